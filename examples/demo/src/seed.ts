/**
 * Seeds a realistic small-business workspace: a tea shop's year in its CRM. Users,
 * companies, contacts with their buying roles, products, orders paid and shipped,
 * support conversations and tickets on their SLA clocks, wholesale deals moving through
 * their pipeline, calls, notes and tasks, replayed in time order (see `history.ts`).
 * Deterministic (a seeded PRNG), so the demo tells the same story every run.
 */
import {
  Activities,
  Actor,
  Companies,
  Contacts,
  Conversations,
  Notes,
  Orders,
  Products,
  Store,
  Tasks,
  TimeBucket,
  Timestamp,
  Users,
  type Workspace
} from "@rapport/core"
import { BusinessCalendar, type Deal, Deals, Tickets } from "@rapport/pipelines"
import { Effect } from "effect"
import * as History from "./history.js"
import * as Teahouse from "./teahouse.js"

const FIRST = ["Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Tim", "Barbara", "Ken", "Radia", "Dennis", "Frances", "John", "Hedy", "Edsger", "Sophie", "Leslie", "Annie", "Donald", "Shafi", "Niklaus", "Joan", "Claude", "Mary"]
const LAST = ["Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Berners-Lee", "Liskov", "Thompson", "Perlman", "Ritchie", "Allen", "McCarthy", "Lamarr", "Dijkstra", "Wilson", "Lamport", "Easley", "Knuth", "Goldwasser", "Wirth", "Clarke", "Shannon", "Keller"]
const COMPANIES = ["Analytical Engines", "Difference Works", "Babbage & Co", "Enigma Labs", "Compiler House", "Lambda Traders", "Kernel Coffee", "Packet Tea Rooms", "Mainframe Bakery", "Punchcard Prints", "Transistor Garden", "Vacuum Tube Toys"]
const INDUSTRIES = ["retail", "hospitality", "software", "manufacturing", "education"]
const PRODUCTS = [
  { sku: "TEA-GREEN", name: "Green tea, 100 g", price: 650 },
  { sku: "TEA-BLACK", name: "Assam black tea, 250 g", price: 990 },
  { sku: "TEA-OOLONG", name: "Oolong, 100 g", price: 1450 },
  { sku: "CUP-SET", name: "Porcelain cup set", price: 3900 },
  { sku: "KETTLE", name: "Gooseneck kettle", price: 7900 },
  { sku: "SUB-MONTH", name: "Tea of the month subscription", price: 2400 }
]
const STAGES = ["subscriber", "lead", "lead", "marketing_qualified", "sales_qualified", "opportunity", "customer", "customer", "customer", "evangelist"] as const
const ROLES = ["decision_maker", "economic_buyer", "champion", "influencer", "user", "blocker"] as const
const SUBJECTS = ["Where is my order?", "Damaged cup set", "Change my subscription", "Invoice copy please", "Wholesale prices?"]
/**
 * The wholesale deals: each step is `[days ago, stage]` (`lost` takes a reason). A deal
 * gets its amount and close date when it first needs them (entering quote).
 */
const WHOLESALE: ReadonlyArray<{
  readonly name: string
  readonly company: number
  readonly star?: boolean
  readonly amountMinor: number | null
  readonly closesInDays: number
  readonly steps: ReadonlyArray<readonly [number, string, string?]>
}> = [
  { name: "Wholesale: three cafés", company: 0, star: true, amountMinor: 720_000, closesInDays: 45, steps: [[26, "inquiry"], [12, "tasting"], [5, "quote"]] },
  { name: "House blend for the coffee bar", company: 6, amountMinor: 360_000, closesInDays: 0, steps: [[150, "inquiry"], [141, "tasting"], [133, "quote"], [120, "signed"]] },
  { name: "Matcha line for the tea rooms", company: 7, amountMinor: 240_000, closesInDays: 0, steps: [[95, "inquiry"], [80, "tasting"], [71, "quote"], [60, "lost", "went with a cheaper supplier"]] },
  { name: "Corporate gift boxes", company: 5, amountMinor: 540_000, closesInDays: 20, steps: [[40, "inquiry"], [31, "quote"], [10, "negotiation"]] },
  { name: "Café supply for the bakery", company: 8, amountMinor: null, closesInDays: 60, steps: [[38, "inquiry"], [25, "tasting"]] },
  { name: "Office tea subscription", company: 4, amountMinor: null, closesInDays: 90, steps: [[3, "inquiry"]] },
  { name: "Tea bar in the garden centre", company: 10, amountMinor: 180_000, closesInDays: 0, steps: [[70, "inquiry"], [58, "tasting"], [45, "quote"], [30, "signed"]] }
]

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = Timestamp.DAY

/** mulberry32: a tiny, well-distributed seeded PRNG. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = seed
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

export interface SeedOptions {
  readonly contacts: number
  readonly now: number
}

const story = (options: SeedOptions) =>
  Effect.gen(function*() {
    const random = prng(42)
    const pick = <A>(xs: ReadonlyArray<A>): A => xs[Math.floor(random() * xs.length)]!
    const { now } = options
    const users = yield* Users.Users
    const companies = yield* Companies.Companies
    const contacts = yield* Contacts.Contacts
    const products = yield* Products.Products
    const orders = yield* Orders.Orders
    const conversations = yield* Conversations.Conversations
    const tasks = yield* Tasks.Tasks
    const notes = yield* Notes.Notes
    const activities = yield* Activities.Activities
    const deals = yield* Deals.Deals
    const tickets = yield* Tickets.Tickets
    const history = History.make<Workspace.CurrentWorkspace>()
    const start = now - 400 * DAY

    // Support's recent days, placed in business hours so the SLA story is the same
    // whatever the day and hour the demo runs: `back(n)` is n business minutes ago.
    const hours = Teahouse.supportHours
    const back = (minutes: number) => BusinessCalendar.addBusinessMinutes(hours, now, -minutes)
    const later = (t: number, minutes: number) => BusinessCalendar.addBusinessMinutes(hours, t, minutes)
    // The star writes in one evening, 20 to 28 business hours ago; the clock starts at the next opening.
    const starWrote = back(20 * 60) - 14 * HOUR
    const starAnswered = later(starWrote, 75)

    // The shop opens: its team, its accounts and its catalogue.
    const team = yield* Effect.withClock(
      Effect.forEach([
        { name: "Grace Hopper", email: "grace@teahouse.test", role: "manager" as const },
        { name: "Alan Kay", email: "alan@teahouse.test", role: "rep" as const },
        { name: "Joan Clarke", email: "joan@teahouse.test", role: "agent" as const }
      ], (u) => users.create(u)),
      History.clockAt(start)
    )
    const accounts = yield* Effect.withClock(
      Effect.forEach(COMPANIES, (name, i) =>
        companies.create({
          name,
          domain: `${name.toLowerCase().replace(/[^a-z]+/g, "-").replace(/^-|-$/g, "")}.test`,
          industry: INDUSTRIES[i % INDUSTRIES.length]!,
          employees: 5 + Math.floor(random() * 400),
          ownerId: pick(team).id
        })),
      History.clockAt(start + HOUR)
    )
    yield* Effect.withClock(
      Effect.forEach(PRODUCTS, (p) => products.create({ sku: p.sku, name: p.name, price: { amountMinor: p.price, currency: "EUR" } })),
      History.clockAt(start + 2 * HOUR)
    )

    const contactIds: Array<string> = []
    let starTicket: string | undefined
    let orderNumber = 10_000
    for (let i = 0; i < options.contacts; i++) {
      const star = i === 0
      const joined = star ? now - 320 * DAY : start + Math.floor(random() * 380) * DAY + Math.floor(random() * 10 * HOUR)
      const first = FIRST[i % FIRST.length]!
      const last = LAST[(Math.floor(i / FIRST.length) + i) % LAST.length]!
      const company = star ? accounts[0]! : random() < 0.6 ? pick(accounts) : null
      const stage = star ? "customer" : pick(STAGES)
      const buyer = stage === "customer" || stage === "evangelist"
      history.at(joined, Effect.gen(function*() {
        const contact = yield* contacts.create({
          firstName: first,
          lastName: last,
          emails: [`${first}.${last}.${i}@example.test`.toLowerCase()],
          lifecycleStage: buyer ? "lead" : stage,
          companyId: company?.id ?? null,
          ownerId: pick(team).id,
          tags: star || random() < 0.15 ? ["vip"] : [],
          source: star ? "event" : pick(["web", "referral", "event", "ads"])
        })
        contactIds[i] = contact.id
        if (company !== null && (star || random() < 0.3)) yield* companies.addToCommittee(company.id, contact.id, star ? "decision_maker" : pick(ROLES))
      }))

      // Buyers order every few weeks after they join; the star every month.
      const count = star ? 10 : buyer ? 1 + Math.floor(random() * 6) : 0
      let t = joined + (star ? 5 : 2 + Math.floor(random() * 30)) * DAY
      for (let n = 0; n < count && t < now; n++) {
        const placedAt = t
        const lines = Array.from({ length: 1 + Math.floor(random() * 3) }, () => {
          const p = pick(PRODUCTS)
          return { sku: p.sku, name: p.name, quantity: 1 + Math.floor(random() * 3), unitPrice: { amountMinor: p.price, currency: "EUR" } }
        })
        const number = `TEA-${orderNumber++}`
        const shipped = placedAt + DAY < now && random() < 0.85
        history.at(placedAt, Effect.gen(function*() {
          const order = yield* orders.place({ contactId: contactIds[i]!, number, lineItems: lines })
          if (n === 0) yield* contacts.update(yield* contacts.get(contactIds[i]!), { lifecycleStage: stage })
          const paid = yield* orders.pay(order)
          if (shipped) history.at(placedAt + DAY, orders.fulfil(paid))
        }))
        t += (star ? 30 : 10 + Math.floor(random() * 80)) * DAY
      }

      // Some customers write in; a bot answers at once, an agent the next morning.
      if (star || random() < 0.25) {
        const opened = star ? starWrote : Math.min(now - HOUR, joined + Math.floor(random() * 60) * DAY)
        const subject = star ? "Damaged cup set" : pick(SUBJECTS)
        const channel = pick(["email", "chat", "web_form"] as const)
        const closes = !star && random() < 0.5
        history.at(opened, Effect.gen(function*() {
          const thread = yield* conversations.start(
            { contactId: contactIds[i]!, channel, subject },
            { authorKind: "customer", body: "Hello, could you help me with this?" }
          )
          history.at(opened + MINUTE, conversations.addMessage(thread.id, { authorKind: "bot", body: "Thanks! An agent will reply shortly." }))
          history.at(star ? starAnswered : opened + 16 * HOUR, Effect.gen(function*() {
            const { conversation } = yield* conversations.addMessage(thread.id, { authorKind: "agent", authorId: team[2]!.id, body: "Of course, looking into it now." })
            if (closes) history.at(opened + 2 * DAY, conversations.close(conversation))
          }))
          if (star) {
            // Her message is also a support ticket, with the VIP policy's SLA clock.
            const ticket = yield* tickets.create({
              subject,
              description: "Hello, could you help me with this?",
              channel,
              contactId: contactIds[i]!,
              conversationId: thread.id,
              segments: ["vip"]
            })
            starTicket = ticket.id
            history.at(opened + MINUTE, tickets.reply(ticket.id, { authorKind: "bot", body: "Thanks! An agent will reply shortly." }))
            history.at(starAnswered, Effect.gen(function*() {
              const { ticket: answered } = yield* tickets.reply(ticket.id, { authorKind: "agent", authorId: team[2]!.id, body: "Of course, looking into it now." })
              // A replacement is on its way: waiting on the courier stops the resolution clock.
              yield* tickets.transition(answered, { type: "hold" })
              yield* tasks.create({ title: "Replace the damaged cup set", contactId: contactIds[i]!, assigneeId: team[2]!.id, dueAt: later(starAnswered, 8 * 60) })
            }))
          }
        }))
      }
    }

    // The star customer's recent story (suspended: her id exists once the replay made her).
    history.at(now - 12 * DAY, Effect.suspend(() => activities.log({ type: "meeting", occurredAt: now - 12 * DAY, durationSeconds: 1800, contactId: contactIds[0]!, subject: "Tasting session at the shop" })))
    history.at(now - 5 * DAY, Effect.gen(function*() {
      yield* activities.log({ type: "call", direction: "outbound", occurredAt: now - 5 * DAY, durationSeconds: 540, contactId: contactIds[0]!, ownerId: team[1]!.id, subject: "Wholesale pricing call" })
      yield* notes.create({ body: "Runs three cafés; interested in a wholesale contract.", contactId: contactIds[0]!, pinned: true })
      yield* tasks.create({ title: "Send wholesale price list", contactId: contactIds[0]!, assigneeId: team[1]!.id, dueAt: now + 2 * DAY, priority: "high" })
    }))
    history.at(now - 2 * DAY, Effect.gen(function*() {
      yield* contacts.setConsent(yield* contacts.get(contactIds[0]!), { status: "granted", source: "checkout form" })
    }))

    // Wholesale deals move through their pipeline, moved by the sales rep.
    const sales = deals.in(Teahouse.wholesale)
    const rep = Actor.user(team[1]!.id)
    let starDeal: string | undefined
    for (const spec of WHOLESALE) {
      let deal: Deal.Deal | undefined
      const amount = spec.amountMinor === null ? null : { amountMinor: spec.amountMinor, currency: "EUR" }
      const last = spec.steps[spec.steps.length - 1]![0]
      const closeDate = TimeBucket.bucketOf(now + (spec.closesInDays === 0 ? -last : spec.closesInDays) * DAY, "day", Teahouse.timeZone)
      for (const [daysAgo, stage, reason] of spec.steps) {
        history.at(now - daysAgo * DAY, Effect.gen(function*() {
          if (deal === undefined) {
            deal = yield* sales.create({
              name: spec.name,
              companyId: accounts[spec.company]!.id,
              contactId: spec.star === true ? contactIds[0]! : null,
              ownerId: team[1]!.id
            })
            if (spec.star === true) starDeal = deal.id
            return
          }
          if (amount !== null && deal.amount === null && stage !== "lost") deal = yield* deals.update(deal, { amount, closeDate })
          deal = stage === "signed"
            ? yield* deals.win(deal)
            : stage === "lost"
            ? yield* deals.lose(deal, reason!)
            : yield* sales.moveToStage(deal, stage as "inquiry")
        }).pipe(Effect.provideService(Actor.CurrentActor, rep)))
      }
    }

    // Other customers' tickets, one per SLA outcome: answered late (first reply breached),
    // waiting for a first reply (its clock running), and answered and solved in time.
    const support = [
      { contact: 1, subject: "Where is my order?", channel: "chat" as const, opened: back(14 * 60), answerAfter: 9 * 60 + 30, solveAfter: null },
      { contact: 2, subject: "Wholesale prices?", channel: "email" as const, opened: back(3 * 60), answerAfter: null, solveAfter: null },
      { contact: 3, subject: "Change my subscription", channel: "web_form" as const, opened: back(30 * 60), answerAfter: 2 * 60, solveAfter: 3 * 60 }
    ]
    for (const t of support) {
      history.at(t.opened, Effect.gen(function*() {
        const ticket = yield* tickets.create({ subject: t.subject, channel: t.channel, contactId: contactIds[t.contact]! })
        if (t.answerAfter !== null) {
          history.at(later(t.opened, t.answerAfter), Effect.gen(function*() {
            const { ticket: answered } = yield* tickets.reply(ticket.id, { authorKind: "agent", authorId: team[2]!.id, body: "Thanks for writing, here is what we found." })
            const open = yield* tickets.transition(answered, { type: "open" })
            if (t.solveAfter !== null) history.at(later(t.opened, t.solveAfter), tickets.transition(open, { type: "solve" }))
          }))
        }
      }))
    }

    yield* history.replay
    return { star: contactIds[0]!, starDeal: starDeal!, starTicket: starTicket!, contacts: options.contacts, companies: accounts.length }
  })

/**
 * The seed, as one store transaction. Each command is a transaction of its own
 * otherwise: some 1,700 commits, each paying the store's BEGIN/COMMIT machinery and, on
 * SQLite, a write to the WAL. Inside one, each command's transaction is a savepoint.
 */
export const seedWorkspace = (options: SeedOptions) => Effect.flatMap(Store.Store, (store) => store.transaction(story(options)))
