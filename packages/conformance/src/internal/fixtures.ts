/**
 * A small hand-made dataset whose answers are worked out by hand in the tests:
 * six accounts covering nulls, unicode, case, equal sort keys and time-window
 * boundaries, and seven deals (one orphan, one dangling).
 */
import type { Collection } from "@rapport/core"
import { account, DAY, deal, HOUR, money, NOW } from "./harness.js"

export const accounts: ReadonlyArray<Collection.Row> = [
  account("a01", {
    name: "Ada",
    nickname: "ada",
    score: 10.5,
    seats: 3,
    active: true,
    lastSeenAt: NOW - HOUR,
    since: "2024-01-15",
    revenue: money(1000, "EUR"),
    tags: ["vip", "eu"],
    custom: {
      tier: "pro",
      quota: 5,
      vip: true,
      renewsOn: "2025-01-01",
      mrr: money(500, "EUR"),
      interests: ["tea"],
      note: "Première",
      referrer: "a02"
    }
  }),
  account("a02", {
    name: "Émile",
    score: -2,
    seats: 0,
    active: false,
    lastSeenAt: NOW + 2 * DAY,
    since: "2023-12-31",
    revenue: money(250, "USD"),
    tags: ["eu"],
    custom: { tier: "free", quota: 1.5, interests: ["coffee", "tea"] }
  }),
  account("a03", { name: "😀 zoë", nickname: "Zed" }),
  account("a04", {
    name: "\uFFFD replacement",
    nickname: "",
    score: 0,
    seats: 12,
    active: true,
    lastSeenAt: NOW - 8 * DAY,
    since: "2024-02-29",
    revenue: money(99999, "EUR"),
    tags: ["VIP"],
    custom: { tier: "enterprise", quota: -3, vip: false, renewsOn: "2024-12-31" }
  }),
  account("a05", {
    name: "ADA lovelace",
    nickname: "ÉCOLE",
    score: 10.5,
    seats: 3,
    active: false,
    lastSeenAt: NOW,
    since: "2024-01-15",
    revenue: money(1, "JPY"),
    tags: ["vip"],
    custom: { tier: "pro", note: "école" }
  }),
  account("a06", {
    name: "bob",
    score: 100,
    seats: -5,
    active: true,
    lastSeenAt: NOW - 7 * DAY,
    since: "2022-06-01",
    revenue: money(0, "EUR"),
    tags: ["b2b", "eu"],
    custom: { quota: 5 }
  })
]

export const deals: ReadonlyArray<Collection.Row> = [
  deal("d01", { accountId: "a01", amount: 100, qty: 1, stage: "won", won: true }),
  deal("d02", { accountId: "a01", amount: 50, qty: 2, stage: "open" }),
  deal("d03", { accountId: "a01", amount: null, stage: "lost", won: false }),
  deal("d04", { accountId: "a02", amount: 500, qty: 5, stage: "won", won: true }),
  deal("d05", { accountId: "a04", amount: -20, stage: "open" }),
  deal("d06", { accountId: null, amount: 1000, stage: "won" }),
  deal("d07", { accountId: "missing", amount: 7, stage: "open" })
]
