/**
 * Start `ommx-ts serve … --port 0 --json` as a subprocess for a test, read the line it prints
 * when listening, and stop it (SIGINT, as a user would) when done.
 *
 * @module
 */
import { ROOT } from "./_cli_test_util.ts";

/** A running `serve`. */
export interface Served {
  /** `http://127.0.0.1:<port>/`. */
  url: string;
  /** The JSON line `serve --json` printed. */
  info: Record<string, unknown>;
  /** Stop it and wait for the process; resolves to its exit code. */
  stop(): Promise<number>;
}

/**
 * Run `serve` with these arguments (plus `--port 0 --json`).
 *
 * @param args Arguments after `serve`.
 * @param env Extra environment.
 * @returns The server.
 */
export async function startServe(
  args: string[],
  env: Record<string, string> = {},
): Promise<Served> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", `${ROOT}cli/main.ts`, "serve", ...args, "--port", "0", "--json"],
    cwd: ROOT,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) {
      const err = await new Response(child.stderr).text();
      await child.status;
      throw new Error(`serve exited before listening: ${text}${err}`);
    }
    text += value;
  }
  const info = JSON.parse(text.split("\n")[0]!) as Record<string, unknown>;
  return {
    url: String(info.url),
    info,
    stop: async () => {
      child.kill("SIGINT");
      await reader.cancel().catch(() => {});
      await child.stderr.cancel().catch(() => {});
      return (await child.status).code;
    },
  };
}

/**
 * The boot data embedded in a viewer page.
 *
 * @param html The page.
 * @returns The parsed boot JSON.
 */
export function bootOf(html: string): Record<string, unknown> {
  const m = /<script type="application\/json" id="ommx-boot">([\s\S]*?)<\/script>/.exec(html);
  if (m === null) throw new Error("no boot data in the page");
  return JSON.parse(m[1]!);
}
