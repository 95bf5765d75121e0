import { describe, expect, it } from "@effect/vitest"
import * as Escalation from "../src/Escalation.js"

const ticket: Escalation.Subject = {
  priority: "normal",
  category: "open",
  tags: ["billing"],
  segments: [],
  assigneeId: "usr_1",
  teamId: null,
  updatedAt: 0,
  escalations: []
}
const breach = (metric: "first_reply" | "resolution"): Escalation.Trigger => ({ _tag: "Breach", key: `${metric}#0`, metric })

describe("Escalation.plan", () => {
  it("a breach rule raises priority one step, reassigns and notifies, keyed per breached target", () => {
    const rule: Escalation.Rule = {
      id: "frt",
      when: { _tag: "Breach", metrics: ["first_reply"] },
      then: { raisePriority: "step", teamId: "team_2", assigneeId: null, notify: ["team", "usr_lead"] }
    }
    expect(Escalation.plan(rule, ticket, breach("first_reply"), 0)).toEqual({
      key: "frt:first_reply#0",
      ruleId: "frt",
      reason: "breach of first_reply#0",
      priority: { from: "normal", to: "high" },
      teamId: { from: null, to: "team_2" },
      assigneeId: { from: "usr_1", to: null },
      notify: ["team", "usr_lead"]
    })
    expect(Escalation.plan(rule, ticket, breach("resolution"), 0)).toBeNull()
    expect(Escalation.plan(rule, ticket, { _tag: "Check" }, 0)).toBeNull()
    expect(Escalation.plan(rule, { ...ticket, escalations: ["frt:first_reply#0"] }, breach("first_reply"), 0)).toBeNull()
  })

  it("never lowers priority; urgent stays urgent", () => {
    const up: Escalation.Rule = { id: "u", when: { _tag: "Breach" }, then: { raisePriority: "high" } }
    expect(Escalation.plan(up, { ...ticket, priority: "urgent" }, breach("resolution"), 0)?.priority).toBeNull()
    expect(Escalation.plan(up, { ...ticket, priority: "low" }, breach("resolution"), 0)?.priority).toEqual({ from: "low", to: "high" })
    const step: Escalation.Rule = { id: "s", when: { _tag: "Breach" }, then: { raisePriority: "step" } }
    expect(Escalation.plan(step, { ...ticket, priority: "urgent" }, breach("resolution"), 0)?.priority).toBeNull()
  })

  it("condition rules fire once when every listed condition holds", () => {
    const rule: Escalation.Rule = {
      id: "idle-billing",
      when: { _tag: "Condition", tags: ["billing"], idleMinutes: 60, priority: ["normal", "high"] },
      then: { teamId: "team_billing", notify: ["team"] }
    }
    expect(Escalation.plan(rule, ticket, { _tag: "Check" }, 59 * 60_000)).toBeNull()
    expect(Escalation.plan(rule, ticket, { _tag: "Check" }, 60 * 60_000)?.key).toBe("idle-billing")
    expect(Escalation.plan(rule, { ...ticket, tags: [] }, { _tag: "Check" }, 2 * 3_600_000)).toBeNull()
    expect(Escalation.plan(rule, { ...ticket, escalations: ["idle-billing"] }, { _tag: "Check" }, 2 * 3_600_000)).toBeNull()
    expect(Escalation.plan(rule, { ...ticket, category: "solved" }, { _tag: "Check" }, 2 * 3_600_000)).toBeNull()
    const unassigned: Escalation.Rule = { id: "un", when: { _tag: "Condition", unassigned: true }, then: { notify: ["leads"] } }
    expect(Escalation.plan(unassigned, ticket, { _tag: "Check" }, 0)).toBeNull()
    expect(Escalation.plan(unassigned, { ...ticket, assigneeId: null }, { _tag: "Check" }, 0)?.notify).toEqual(["leads"])
  })
})
