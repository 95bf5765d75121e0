/**
 * How the tea shop works, as Rapport configuration: the zone it lives in, its
 * wholesale pipeline (cafés and offices buying tea by the case), its support hours and
 * the SLA policies its support follows.
 */
import { BusinessCalendar, Pipeline, SlaPolicy } from "@rapport/pipelines"

/** Every time the demo prints is in this zone, and says so. */
export const timeZone = "Europe/Berlin"

/** Wholesale deals: a first inquiry, a tasting at the shop, a quote, the negotiation. */
export const wholesale = Pipeline.define({
  id: "wholesale",
  name: "Wholesale",
  stages: ["inquiry", "tasting", "quote", "negotiation"],
  won: "signed",
  lost: "lost",
  moves: { skip: true, back: true },
  probability: { inquiry: 10, tasting: 30, quote: 50, negotiation: 75 },
  requires: { quote: ["amount", "closeDate"], negotiation: ["amount", "closeDate"], signed: ["amount"] },
  rotAfterDays: { inquiry: 14, tasting: 21, quote: 21, negotiation: 30 }
})

const weekday = [["09:00", "17:00"]] as const

/** Support answers Monday to Friday 09:00–17:00 and Saturday 10:00–14:00, Berlin time. */
export const supportHours = BusinessCalendar.unsafeMake({
  timeZone,
  week: { mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: weekday, sat: [["10:00", "14:00"]] },
  holidays: [{ from: "2026-12-24", to: "2026-12-26" }, "2026-12-31", "2027-01-01"]
})

/** Said in words, for the printout. */
export const supportHoursText = "Mon–Fri 09:00–17:00, Sat 10:00–14:00"

export const slaPolicies = [
  SlaPolicy.unsafeMake({
    id: "vip",
    name: "VIP",
    position: 0,
    conditions: { segments: ["vip"] },
    targets: [
      { metric: "first_reply", minutes: 2 * 60, hours: "business" },
      { metric: "resolution", minutes: 16 * 60, hours: "business" }
    ]
  }),
  SlaPolicy.unsafeMake({
    id: "standard",
    name: "Standard",
    position: 10,
    targets: [
      { metric: "first_reply", minutes: 8 * 60, hours: "business" },
      { metric: "next_reply", minutes: 8 * 60, hours: "business" },
      { metric: "resolution", minutes: 24 * 60, hours: "business" }
    ]
  })
]
