/**
 * The workspace is the tenant: every record, event and query belongs to exactly one,
 * and nothing reads across them.
 *
 * @since 0.1.0
 */
import { Context, Schema } from "effect"

/**
 * @since 0.1.0
 * @category models
 */
export const WorkspaceId = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z0-9_-]{1,64}$/, { message: () => "1 to 64 letters, digits, _ or -" }),
  Schema.brand("@rapport/core/WorkspaceId")
)

/**
 * @since 0.1.0
 * @category models
 */
export type WorkspaceId = typeof WorkspaceId.Type

/**
 * The workspace a request runs in. Every Crm command requires it, so the type of a
 * command says that it needs a tenant.
 *
 * @example
 * ```ts
 * import { Workspace } from "@rapport/core"
 * import { Effect } from "effect"
 * const inAcme = <A, E, R>(self: Effect.Effect<A, E, R>) =>
 *   Effect.provideService(self, Workspace.CurrentWorkspace, Workspace.WorkspaceId.make("acme"))
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class CurrentWorkspace extends Context.Tag("@rapport/core/CurrentWorkspace")<CurrentWorkspace, WorkspaceId>() {}
