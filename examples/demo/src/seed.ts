/**
 * Seeds a realistic small-business workspace: a tea shop's year in its CRM. Users,
 * companies, contacts with their buying roles, products, orders paid and shipped,
 * support conversations, calls, notes and tasks, replayed in time order (see
 * `history.ts`). Deterministic (a seeded PRNG), so the demo tells the same story
 * every run.
 */
import {
  Activities,
  Companies,
  Contacts,
  Conversations,
  Notes,
  Orders,
  Products,
  Tasks,
  Timestamp,
  Users,
  type Workspace
} from "@rapport/core"
import { Effect } from "effect"
import * as History from "./history.js"

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

export const seedWorkspace = (options: SeedOptions) =>
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
    const history = History.make<Workspace.CurrentWorkspace>()
    const start = now - 400 * DAY

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
        const opened = star ? now - 3 * DAY : Math.min(now - HOUR, joined + Math.floor(random() * 60) * DAY)
        const subject = star ? "Damaged cup set" : pick(SUBJECTS)
        const channel = pick(["email", "chat", "web_form"] as const)
        const closes = !star && random() < 0.5
        history.at(opened, Effect.gen(function*() {
          const thread = yield* conversations.start(
            { contactId: contactIds[i]!, channel, subject },
            { authorKind: "customer", body: "Hello, could you help me with this?" }
          )
          history.at(opened + MINUTE, conversations.addMessage(thread.id, { authorKind: "bot", body: "Thanks! An agent will reply shortly." }))
          history.at(opened + 16 * HOUR, Effect.gen(function*() {
            const { conversation } = yield* conversations.addMessage(thread.id, { authorKind: "agent", authorId: team[2]!.id, body: "Of course, looking into it now." })
            if (closes) history.at(opened + 2 * DAY, conversations.close(conversation))
          }))
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
      yield* tasks.create({ title: "Replace the damaged cup set", contactId: contactIds[0]!, assigneeId: team[2]!.id, dueAt: now - DAY })
      yield* contacts.setConsent(yield* contacts.get(contactIds[0]!), { status: "granted", source: "checkout form" })
    }))

    yield* history.replay
    return { star: contactIds[0]!, contacts: options.contacts, companies: accounts.length }
  })
