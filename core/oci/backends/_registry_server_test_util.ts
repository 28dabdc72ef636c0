/**
 * Test helper: a tiny in-process OCI Distribution registry on 127.0.0.1 with
 * just the endpoints our client uses (manifests GET/HEAD/PUT, blobs GET/HEAD,
 * monolithic uploads), an optional Bearer token challenge, optional blob
 * redirects, and hooks to tamper with stored content. Everything in memory.
 *
 * @module
 */
import { createHash } from "node:crypto";

/** Knobs of {@linkcode startRegistryServer}. */
export interface RegistryServerOptions {
  /** Require `Authorization: Bearer <token>` obtained from `/token` (Basic `user:pass` there, if set). */
  bearer?: { username?: string; password?: string };
  /** Require HTTP Basic `username:password` directly on every `/v2/` request. */
  basic?: { username: string; password: string };
  /** Answer blob GETs with a 307 redirect to `/_storage/<digest>`. */
  redirectBlobs?: boolean;
  /** Omit `Docker-Content-Digest` on manifest responses. */
  noDigestHeader?: boolean;
  /**
   * Answer `GET /v2/<repo>/tags/list` with this instead of the stored tags
   * (tests of hostile tag lists); `undefined` keeps the default answer:
   * the repository's tags in code-unit order, paged by `n`/`last` with a
   * `Link: <…>; rel="next"` header.
   */
  tagList?: (repo: string, url: URL) => Response | undefined;
  /** Most tags per tag-list page, whatever `n` asks (default: as asked). */
  tagPageSize?: number;
}

/** A running test registry. */
export interface RegistryServer {
  /** `127.0.0.1:<port>`. */
  host: string;
  /** Stored blobs and manifests by digest (mutate to tamper). */
  blobs: Map<string, Uint8Array<ArrayBuffer>>;
  /** Manifests: `repo` → (tag or digest → digest). */
  tags: Map<string, Map<string, string>>;
  /** Content types of stored manifests by digest. */
  manifestTypes: Map<string, string>;
  /** Requests seen, as `METHOD path`. */
  log: string[];
  /** Digest to claim in `Docker-Content-Digest` instead of the real one (digest → fake). */
  lieDigest: Map<string, string>;
  /** Stop the server. */
  close(): Promise<void>;
}

function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

const TOKEN = "test-token-123";

/** Start the registry on an ephemeral port. */
export function startRegistryServer(options: RegistryServerOptions = {}): RegistryServer {
  const blobs = new Map<string, Uint8Array<ArrayBuffer>>();
  const tags = new Map<string, Map<string, string>>();
  const manifestTypes = new Map<string, string>();
  const lieDigest = new Map<string, string>();
  const uploads = new Map<string, string>();
  const log: string[] = [];
  let nextUpload = 0;
  let host = "";

  const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { "Content-Type": "application/json", ...headers },
    });
  const notFound = (code: string) => json(404, { errors: [{ code, message: code.toLowerCase() }] });

  function authorized(req: Request): Response | undefined {
    const auth = req.headers.get("authorization") ?? "";
    if (options.basic) {
      const want = `Basic ${btoa(`${options.basic.username}:${options.basic.password}`)}`;
      if (auth !== want) {
        return json(401, { errors: [{ code: "UNAUTHORIZED" }] }, {
          "WWW-Authenticate": 'Basic realm="test"',
        });
      }
    }
    if (options.bearer && auth !== `Bearer ${TOKEN}`) {
      return json(401, { errors: [{ code: "UNAUTHORIZED" }] }, {
        "WWW-Authenticate":
          `Bearer realm="http://${host}/token",service="test-registry",scope="repository:x:pull"`,
      });
    }
    return undefined;
  }

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    log.push(`${req.method} ${url.pathname}${url.search}`);
    if (url.pathname === "/token") {
      if (options.bearer?.username !== undefined) {
        const want = `Basic ${btoa(`${options.bearer.username}:${options.bearer.password ?? ""}`)}`;
        if (req.headers.get("authorization") !== want) return json(401, { errors: [] });
      }
      if (!url.searchParams.get("scope")?.startsWith("repository:")) return json(400, {});
      return json(200, { token: TOKEN });
    }
    if (url.pathname.startsWith("/_storage/")) {
      const bytes = blobs.get(url.pathname.slice(10));
      return bytes ? new Response(bytes) : notFound("BLOB_UNKNOWN");
    }
    if (!url.pathname.startsWith("/v2/")) return notFound("NOT_FOUND");
    const denied = authorized(req);
    if (denied) return denied;
    if (url.pathname === "/v2/") return json(200, {});
    const tagList = /^\/v2\/(.+?)\/tags\/list$/.exec(url.pathname);
    if (tagList) {
      const repo = tagList[1]!;
      const custom = options.tagList?.(repo, url);
      if (custom) return custom;
      const all = [...(tags.get(repo)?.keys() ?? [])].filter((t) => !t.startsWith("sha256:"))
        .sort();
      if (!tags.has(repo)) return notFound("NAME_UNKNOWN");
      const last = url.searchParams.get("last");
      const n = Math.min(
        Number(url.searchParams.get("n") ?? all.length),
        options.tagPageSize ?? Infinity,
      );
      const rest = last === null ? all : all.filter((t) => t > last);
      const page = rest.slice(0, n);
      const headers: Record<string, string> = {};
      if (rest.length > n) {
        headers.Link = `</v2/${repo}/tags/list?n=${n}&last=${
          encodeURIComponent(page.at(-1)!)
        }>; rel="next"`;
      }
      return json(200, { name: repo, tags: page }, headers);
    }
    const m = /^\/v2\/(.+?)\/(manifests|blobs\/uploads|blobs)\/(.*)$/.exec(url.pathname);
    if (!m) return notFound("NOT_FOUND");
    const [, repo, kind, ref] = m as unknown as [string, string, string, string];
    const repoTags = tags.get(repo) ?? new Map<string, string>();
    tags.set(repo, repoTags);

    if (kind === "manifests") {
      if (req.method === "PUT") {
        const body = new Uint8Array(await req.arrayBuffer());
        const digest = sha256(body);
        if (ref.startsWith("sha256:") && ref !== digest) {
          return json(400, { errors: [{ code: "DIGEST_INVALID" }] });
        }
        blobs.set(digest, body);
        manifestTypes.set(digest, req.headers.get("content-type") ?? "");
        repoTags.set(ref, digest);
        repoTags.set(digest, digest);
        return new Response(null, {
          status: 201,
          headers: { "Docker-Content-Digest": digest, Location: `/v2/${repo}/manifests/${digest}` },
        });
      }
      const digest = repoTags.get(ref);
      const bytes = digest ? blobs.get(digest) : undefined;
      if (!digest || !bytes) return notFound("MANIFEST_UNKNOWN");
      const headers: Record<string, string> = {
        "Content-Type": manifestTypes.get(digest) ?? "application/vnd.oci.image.manifest.v1+json",
        "Content-Length": String(bytes.length),
      };
      if (!options.noDigestHeader) {
        headers["Docker-Content-Digest"] = lieDigest.get(digest) ?? digest;
      }
      return new Response(req.method === "HEAD" ? null : bytes, { status: 200, headers });
    }
    if (kind === "blobs/uploads") {
      if (req.method === "POST") {
        const id = `u${nextUpload++}`;
        uploads.set(id, repo);
        return new Response(null, {
          status: 202,
          headers: {
            Location: `/v2/${repo}/blobs/uploads/${id}?state=abc`,
            "Docker-Upload-UUID": id,
          },
        });
      }
      if (req.method === "PUT") {
        if (!uploads.has(ref) || url.searchParams.get("state") !== "abc") {
          return notFound("BLOB_UPLOAD_UNKNOWN");
        }
        const body = new Uint8Array(await req.arrayBuffer());
        const digest = url.searchParams.get("digest") ?? "";
        if (sha256(body) !== digest) return json(400, { errors: [{ code: "DIGEST_INVALID" }] });
        uploads.delete(ref);
        blobs.set(digest, body);
        return new Response(null, { status: 201, headers: { "Docker-Content-Digest": digest } });
      }
      return json(405, {});
    }
    // blobs
    const bytes = blobs.get(ref);
    if (!bytes) return notFound("BLOB_UNKNOWN");
    if (req.method === "GET" && options.redirectBlobs) {
      return new Response(null, {
        status: 307,
        headers: { Location: `http://${host}/_storage/${ref}` },
      });
    }
    return new Response(req.method === "HEAD" ? null : bytes, {
      status: 200,
      headers: { "Content-Length": String(bytes.length), "Docker-Content-Digest": ref },
    });
  }

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handle);
  host = `127.0.0.1:${server.addr.port}`;
  return {
    host,
    blobs,
    tags,
    manifestTypes,
    log,
    lieDigest,
    close: () => server.shutdown(),
  };
}
