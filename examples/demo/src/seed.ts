/**
 * Seeds a realistic small-business workspace: users, companies, contacts with their
 * buying roles, products, a year of orders, support conversations, tasks, notes and
 * calls. Deterministic (a seeded PRNG), so the demo prints the same story every run.
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
  Users
} from "@rapport/core"
import { Effect } from "effect"

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
    const day = Timestamp.DAY
    const users = yield* Users.Users
    const companies = yield* Companies.Companies
    const contacts = yield* Contacts.Contacts
    const products = yield* Products.Products
    const orders = yield* Orders.Orders
    const conversations = yield* Conversations.Conversations
    const tasks = yield* Tasks.Tasks
    const notes = yield* Notes.Notes
    const activities = yield* Activities.Activities

    const team = yield* Effect.forEach([
      { name: "Grace Hopper", email: "grace@teahouse.test", role: "manager" as const },
      { name: "Alan Kay", email: "alan@teahouse.test", role: "rep" as const },
      { name: "Joan Clarke", email: "joan@teahouse.test", role: "agent" as const }
    ], (u) => users.create(u))

    const accounts = yield* Effect.forEach(COMPANIES, (name, i) =>
      companies.create({
        name,
        domain: `${name.toLowerCase().replace(/[^a-z]+/g, "-").replace(/^-|-$/g, "")}.test`,
        industry: INDUSTRIES[i % INDUSTRIES.length]!,
        employees: 5 + Math.floor(random() * 400),
        ownerId: pick(team).id
      }))

    yield* Effect.forEach(PRODUCTS, (p) => products.create({ sku: p.sku, name: p.name, price: { amountMinor: p.price, currency: "EUR" } }))

    const people = []
    for (let i = 0; i < options.contacts; i++) {
      const first = FIRST[i % FIRST.length]!
      const last = LAST[Math.floor(i / FIRST.length + i) % LAST.length]!
      const company = random() < 0.6 ? pick(accounts) : null
      const contact = yield* contacts.create({
        firstName: first,
        lastName: last,
        emails: [`${first}.${last}.${i}@example.test`.toLowerCase()],
        lifecycleStage: i === 0 ? "customer" : pick(STAGES),
        companyId: company?.id ?? null,
        ownerId: pick(team).id,
        tags: random() < 0.15 ? ["vip"] : [],
        source: pick(["web", "referral", "event", "ads"])
      })
      if (company !== null && random() < 0.3) yield* companies.addToCommittee(company.id, contact.id, pick(ROLES))
      people.push(contact)
    }

    // A year of orders; the first contact is a loyal customer for the 360 view.
    for (const [i, contact] of people.entries()) {
      const count = i === 0 ? 9 : contact.lifecycleStage === "customer" || contact.lifecycleStage === "evangelist" ? Math.floor(random() * 6) : 0
      for (let n = 0; n < count; n++) {
        const lines = Array.from({ length: 1 + Math.floor(random() * 3) }, () => {
          const p = pick(PRODUCTS)
          return { sku: p.sku, name: p.name, quantity: 1 + Math.floor(random() * 3), unitPrice: { amountMinor: p.price, currency: "EUR" } }
        })
        const placed = yield* orders.place({
          contactId: contact.id,
          lineItems: lines,
          placedAt: options.now - Math.floor((i === 0 ? n * 30 + 2 : random() * 365) * day)
        })
        const paid = yield* orders.pay(placed)
        if (random() < 0.8) yield* orders.fulfil(paid)
      }
    }

    for (const [i, contact] of people.entries()) {
      if (i !== 0 && random() > 0.25) continue
      const thread = yield* conversations.start(
        { contactId: contact.id, channel: pick(["email", "chat", "web_form"] as const), subject: pick(SUBJECTS) },
        { authorKind: "customer", body: "Hello, could you help me with this?", sentAt: options.now - 3 * day }
      )
      yield* conversations.addMessage(thread.id, { authorKind: "bot", body: "Thanks! An agent will reply shortly.", sentAt: options.now - 3 * day + 60_000 })
      yield* conversations.addMessage(thread.id, { authorKind: "agent", authorId: team[2]!.id, body: "Of course, looking into it now.", sentAt: options.now - 2 * day })
      if (random() < 0.5) yield* conversations.close((yield* conversations.get(thread.id)))
    }

    const star = people[0]!
    yield* activities.log({ type: "call", direction: "outbound", occurredAt: options.now - 5 * day, durationSeconds: 540, contactId: star.id, companyId: star.companyId, ownerId: team[1]!.id, subject: "Wholesale pricing call" })
    yield* activities.log({ type: "meeting", occurredAt: options.now - 12 * day, durationSeconds: 1800, contactId: star.id, subject: "Tasting session" })
    yield* notes.create({ body: "Runs three cafés; interested in a wholesale contract.", contactId: star.id, pinned: true })
    yield* tasks.create({ title: "Send wholesale price list", contactId: star.id, assigneeId: team[1]!.id, dueAt: options.now + 2 * day, priority: "high" })
    yield* tasks.create({ title: "Follow up on damaged cup set", contactId: star.id, assigneeId: team[2]!.id, dueAt: options.now - day })
    yield* contacts.setConsent(yield* contacts.get(star.id), { status: "granted", source: "checkout form" })
    return { star: star.id, contacts: people.length, companies: accounts.length }
  })
