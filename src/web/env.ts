import type { WebViewer } from "../features/web/service.ts";
import type { PageViewer } from "./layout.tsx";

/** What the dashboard's middleware puts on each request for the routes after it. */
export type Env = { Variables: { viewer: PageViewer; session: WebViewer } };
