/**
 * A {@linkcode Target} over one repository of a remote OCI Distribution
 * (v1.1) registry, using only the fetch API, so it runs in browsers too.
 *
 * Manifests are kept as the registry sent them (never re-serialised) and
 * their digest is checked against `Docker-Content-Digest` (when sent) and
 * against the digest asked for. Blobs are verified for size and digest while
 * streaming; the last chunk is only delivered once verification passed.
 * Authentication: anonymous, HTTP Basic, and the Bearer token flow driven by
 * `WWW-Authenticate` challenges (realm, service, scope). Plain HTTP is used
 * for true loopback hosts (`localhost`, `127.0.0.0/8`, `::1`) or when asked
 * for, HTTPS otherwise.
 *
 * The transport rules against a hostile registry (`docs/security.md`,
 * "Network"): token realms only `https:` (or `http:` when the registry itself
 * is plain HTTP); credentials and tokens never sent to another origin (Basic
 * credentials go to a realm on another origin only over HTTPS; redirects and
 * upload locations on another origin get no `Authorization`); a response
 * timeout on every request and a progress timeout on every body; size caps on
 * manifests (64 MiB, `MAX_MANIFEST_SIZE`), token responses (1 MiB) and error bodies (64 KiB read);
 * bounded retries with backoff for idempotent requests.
 *
 * @module
 */
import {
  BlobNotFoundError,
  DigestMismatchError,
  InvalidArgumentError,
  InvalidArtifactError,
  InvalidReferenceError,
  LimitExceededError,
  RegistryError,
  SizeMismatchError,
} from "../../errors.ts";
import { type Descriptor, parseDescriptor } from "../descriptor.ts";
import { digestOf, isDigest, verifiedStream, verifyBytes } from "../digest.ts";
import {
  ANNOTATION_REF_NAME,
  MEDIA_TYPE_ARTIFACT_MANIFEST,
  MEDIA_TYPE_IMAGE_INDEX,
  MEDIA_TYPE_IMAGE_MANIFEST,
} from "../media_types.ts";
import { formatReference, type ImageReference, parseReference } from "../reference.ts";
import type { FetchOptions, Target } from "../storage.ts";
import { MAX_MANIFEST_SIZE } from "../manifest.ts";
import { collectVerified } from "./_push.ts";
import { isLoopbackHost, type NetworkOptions } from "../network.ts";
import {
  displayUrl,
  guardedBody,
  type HttpRequest,
  type HttpResponse,
  type HttpSettings,
  httpSettings,
  printable,
  readBounded,
  sendHttp,
} from "../_http.ts";

/** The `Accept` header sent for manifests (`docs/glossary.md#registry-transport`). */
export const MANIFEST_ACCEPT: string = `${MEDIA_TYPE_IMAGE_MANIFEST}, ${MEDIA_TYPE_IMAGE_INDEX}`;

/**
 * Credentials for a registry: HTTP Basic (also presented to a token realm),
 * or a ready Bearer token.
 */
export type RegistryCredentials =
  | { readonly username: string; readonly password: string }
  | { readonly token: string };

/** What {@linkcode RemoteTarget.listTags} returns. */
export interface TagList {
  /** The tags, in the registry's order, as sent (not validated as references). */
  readonly tags: string[];
  /** Whether the registry had more tags than the limit. */
  readonly truncated: boolean;
}

/** Looks up credentials for a registry host (`host[:port]`). */
export type CredentialsProvider = (
  registry: string,
) => RegistryCredentials | undefined | Promise<RegistryCredentials | undefined>;

/**
 * Options of {@linkcode openRemoteRegistry}: credentials, scheme, limits, and
 * the shared {@linkcode NetworkOptions} (timeouts, retries, fetch).
 */
export interface OpenRemoteRegistryOptions extends NetworkOptions {
  /** Credentials, or a function that returns them for a registry host. Default: anonymous. */
  credentials?: RegistryCredentials | CredentialsProvider;
  /**
   * Force plain HTTP (`true`) or HTTPS (`false`). Default: plain HTTP only
   * for true loopback hosts (see {@linkcode usesPlainHttp}).
   */
  plainHttp?: boolean;
  /** Largest manifest accepted, in bytes (default {@linkcode MAX_MANIFEST_SIZE}, 64 MiB). */
  maxManifestSize?: number;
}

/** Largest token response read, in bytes. */
const MAX_TOKEN_RESPONSE = 1 << 20;
/** Largest tag-list page read, in bytes. */
const MAX_TAG_PAGE = 1 << 20;
/** Most tag-list pages followed. */
const MAX_TAG_PAGES = 1000;
/** Bytes of an error body read for its message and error codes; the rest is dropped. */
const MAX_ERROR_BODY = 64 << 10;

/**
 * Whether the client talks plain HTTP to `registry` (`host[:port]`) by
 * default: only for true loopback hosts, `localhost`, IPv4 literals in
 * `127.0.0.0/8` and the IPv6 literal `::1` ({@linkcode isLoopbackHost}).
 * Host names that only start with `127.` (`127.attacker.example`) get HTTPS
 * (the reference SDK checks the prefix; see `docs/format-notes.md`).
 *
 * @example Loopback only
 * ```ts
 * import { usesPlainHttp } from "./remote_registry.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(usesPlainHttp("127.0.0.1:5000"), true);
 * assert.equal(usesPlainHttp("localhost"), true);
 * assert.equal(usesPlainHttp("[::1]:5000"), true);
 * assert.equal(usesPlainHttp("ghcr.io"), false);
 * assert.equal(usesPlainHttp("127.attacker.example"), false);
 * ```
 *
 * @param registry The registry host with optional port.
 * @returns `true` for loopback hosts.
 */
export function usesPlainHttp(registry: string): boolean {
  const m = /^(\[[^\]]*\]|[^:\[\]]*)(?::\d*)?$/.exec(registry);
  return m !== null && isLoopbackHost(m[1]!);
}

interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parse the first challenge of a `WWW-Authenticate` header. */
function parseChallenge(header: string | null): Challenge | undefined {
  if (!header) return undefined;
  const m = /^\s*([A-Za-z][\w-]*)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*(?:,|$)\s*/gy;
  const rest = m[2] ?? "";
  let p: RegExpExecArray | null;
  while (re.lastIndex < rest.length && (p = re.exec(rest)) !== null) {
    params[(p[1] as string).toLowerCase()] = p[2] !== undefined
      ? p[2].replace(/\\(.)/g, "$1")
      : p[3] ?? "";
  }
  return { scheme: (m[1] as string).toLowerCase(), params };
}

function base64Utf8(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function basicHeader(c: { username: string; password: string }): string {
  return `Basic ${base64Utf8(`${c.username}:${c.password}`)}`;
}

function isManifestType(mediaType: string): boolean {
  return mediaType === MEDIA_TYPE_IMAGE_MANIFEST || mediaType === MEDIA_TYPE_IMAGE_INDEX;
}

type Scope = "pull" | "pull,push";

/**
 * What a failed answer said: a message tail (its first 400 characters, made
 * printable) and the OCI distribution error codes of its body. At most
 * {@linkcode MAX_ERROR_BODY} bytes are read, within the response timeout.
 */
async function errorBody(answer: HttpResponse): Promise<{ detail: string; codes: string[] }> {
  let text = "";
  try {
    const bytes = await readBounded("registry", answer, MAX_ERROR_BODY, "error body", "truncate");
    text = new TextDecoder().decode(bytes).trim();
  } catch {
    return { detail: "", codes: [] };
  }
  const codes: string[] = [];
  try {
    const errors = (JSON.parse(text) as { errors?: unknown } | null)?.errors;
    if (Array.isArray(errors)) {
      for (const e of errors) {
        const code = (e as { code?: unknown } | null)?.code;
        if (typeof code === "string" && codes.length < 16) codes.push(printable(code, 64));
      }
    }
  } catch {
    // not a (complete) JSON error body: the text alone is the detail
  }
  return { detail: text ? `: ${printable(text, 400)}` : "", codes };
}

/** The {@linkcode RegistryError} code of an HTTP status. */
function statusCode(status: number): "UNAUTHORIZED" | "DENIED" | "REGISTRY" {
  return status === 401 ? "UNAUTHORIZED" : status === 403 ? "DENIED" : "REGISTRY";
}

/**
 * One repository of a remote registry. Create with {@linkcode openRemoteRegistry}.
 */
export class RemoteTarget implements Target {
  /** The image reference this target was opened with, in display form. */
  readonly location: string;
  /** The parsed reference (registry, repository, tag or digest). */
  readonly reference: ImageReference;
  /** `http(s)://host[:port]` of the registry. */
  readonly baseUrl: string;
  #origin: string;
  #settings: HttpSettings;
  #credentials: RegistryCredentials | undefined;
  #auth = new Map<Scope, string>();
  #manifests = new Map<string, Uint8Array>();
  #maxManifestSize: number;

  /**
   * Use {@linkcode openRemoteRegistry} instead.
   *
   * @param reference The parsed image reference.
   * @param init Transport, credentials and limits.
   */
  constructor(
    reference: ImageReference,
    init: {
      settings: HttpSettings;
      credentials: RegistryCredentials | undefined;
      plainHttp: boolean;
      maxManifestSize: number;
    },
  ) {
    this.reference = reference;
    this.location = formatReference(reference);
    this.baseUrl = `${init.plainHttp ? "http" : "https"}://${reference.registry}`;
    this.#origin = new URL(this.baseUrl).origin;
    this.#settings = init.settings;
    this.#credentials = init.credentials;
    this.#maxManifestSize = init.maxManifestSize;
  }

  #url(kind: "manifests" | "blobs", ref: string): string {
    return `${this.baseUrl}/v2/${this.reference.repository}/${kind}/${ref}`;
  }

  /** Whether `url` is on the registry's own origin (the only place credentials go). */
  #own(url: string): boolean {
    return new URL(url).origin === this.#origin;
  }

  /** Send one request; `auth` is attached only on the registry's own origin. */
  async #send(
    request: Omit<HttpRequest, "headers"> & { headers?: Record<string, string> },
    auth: string | undefined,
  ): Promise<HttpResponse> {
    const headers = new Headers(request.headers);
    if (auth && this.#own(request.url)) headers.set("Authorization", auth);
    return await sendHttp("registry", this.#settings, { ...request, headers });
  }

  /**
   * The `Authorization` value answering `challenge` for `scope`, or
   * `undefined` when there is nothing to present.
   */
  async #token(challenge: Challenge, scope: Scope): Promise<string | undefined> {
    const creds = this.#credentials;
    if (challenge.scheme === "basic") {
      return creds && "username" in creds ? basicHeader(creds) : undefined;
    }
    if (challenge.scheme !== "bearer") return undefined;
    if (creds && "token" in creds) return `Bearer ${creds.token}`;
    const realm = challenge.params.realm;
    if (!realm) return undefined;
    const url = this.#realmUrl(realm);
    if (challenge.params.service) url.searchParams.set("service", challenge.params.service);
    url.searchParams.set("scope", `repository:${this.reference.repository}:${scope}`);
    const headers: Record<string, string> = { Accept: "application/json" };
    // Basic credentials go to the registry's own origin, or to a realm on
    // another origin only over HTTPS.
    const sendCredentials = url.origin === this.#origin || url.protocol === "https:";
    if (creds && "username" in creds && sendCredentials) headers.Authorization = basicHeader(creds);
    const withheld = creds !== undefined && "username" in creds && !sendCredentials;
    const where = displayUrl(url);
    const answer = await this.#send(
      { method: "GET", url: url.href, headers, idempotent: true },
      undefined,
    );
    const res = answer.response;
    if (!res.ok) {
      const { detail, codes } = await errorBody(answer);
      // The token service refusing the credentials is an authentication failure.
      throw new RegistryError(
        res.status === 401 || res.status === 403 ? "UNAUTHORIZED" : "REGISTRY",
        `${this.location}: authentication failed: token request to ${where} answered ${res.status}${detail}${
          withheld ? ` (credentials withheld: ${url.origin} is another origin over plain HTTP)` : ""
        }`,
        { status: res.status, registryCodes: codes, url: where },
      );
    }
    const bytes = await readBounded(
      "registry",
      answer,
      MAX_TOKEN_RESPONSE,
      "token response",
      "throw",
    );
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder().decode(bytes));
    } catch (cause) {
      throw new RegistryError(
        "REGISTRY",
        `${this.location}: authentication failed: token response from ${where} is not JSON`,
        { cause, status: res.status, url: where },
      );
    }
    const token = (body as { token?: unknown; access_token?: unknown } | null)?.token ??
      (body as { access_token?: unknown } | null)?.access_token;
    if (typeof token !== "string" || token === "") {
      throw new RegistryError(
        "REGISTRY",
        `${this.location}: authentication failed: token response from ${where} carries no token`,
        { status: res.status, url: where },
      );
    }
    return `Bearer ${token}`;
  }

  /**
   * The token realm as a URL: `https:`, or `http:` only when the registry
   * itself is plain HTTP (explicit option or a loopback address). Anything
   * else (`file:`, `data:`, a relative or invalid URL) is refused.
   */
  #realmUrl(realm: string): URL {
    const refuse = (why: string): never => {
      throw new RegistryError(
        "REGISTRY",
        `${this.location}: authentication failed: refused bearer realm ${
          JSON.stringify(printable(realm, 200))
        } (${why})`,
        { url: this.baseUrl },
      );
    };
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      return refuse("not an absolute URL");
    }
    if (url.protocol === "https:") return url;
    if (url.protocol === "http:") {
      if (this.baseUrl.startsWith("http:")) return url;
      return refuse("an https: registry's realm must be https:");
    }
    return refuse("a realm must be https:, or http: for a plain-HTTP registry");
  }

  /** Send a request; on a 401 challenge, authenticate for `scope` once and retry. */
  async #request(
    request: Omit<HttpRequest, "headers"> & { headers?: Record<string, string> },
    scope: Scope,
  ): Promise<HttpResponse> {
    const cached = this.#auth.get(scope) ??
      (scope === "pull" ? this.#auth.get("pull,push") : undefined);
    const answer = await this.#send(request, cached);
    const res = answer.response;
    // Only the registry's own origin is ever answered with credentials.
    if (res.status !== 401 || !this.#own(answer.url)) return answer;
    const challenge = parseChallenge(res.headers.get("www-authenticate"));
    if (!challenge) return answer;
    const auth = await this.#token(challenge, scope);
    if (auth === undefined || auth === cached) return answer;
    await res.body?.cancel().catch(() => {});
    answer.abort();
    this.#auth.set(scope, auth);
    return await this.#send(request, auth);
  }

  async #fail(answer: HttpResponse, what: string, url: string): Promise<never> {
    const res = answer.response;
    const { detail, codes } = await errorBody(answer);
    const options = { status: res.status, registryCodes: codes, url };
    if (res.status === 401 || res.status === 403) {
      const foreign = this.#own(answer.url)
        ? ""
        : ` (${displayUrl(answer.url)} is another origin: no credentials are sent there)`;
      throw new RegistryError(
        statusCode(res.status),
        `${what}: ${displayUrl(url)} ${
          res.status === 401 ? "requires authentication" : "denied access"
        } (HTTP ${res.status})${foreign}${detail}`,
        options,
      );
    }
    throw new RegistryError(
      statusCode(res.status),
      `${what}: ${displayUrl(url)} answered HTTP ${res.status}${detail}`,
      options,
    );
  }

  /** Split a resolve/tag argument into a tag or digest of this repository. */
  #refOf(reference: string | undefined): { tag?: string; digest?: string } {
    if (reference === undefined) {
      return this.reference.digest !== undefined
        ? { digest: this.reference.digest }
        : { tag: this.reference.tag ?? "latest" };
    }
    if (reference.startsWith("sha256:")) {
      if (!isDigest(reference as unknown)) {
        throw new InvalidReferenceError(reference, "digest must be sha256:<64 lowercase hex>");
      }
      return { digest: reference };
    }
    if (!reference.includes("/")) {
      const parsed = parseReference(
        `${this.reference.registry}/${this.reference.repository}:${reference}`,
      );
      return { ...(parsed.tag === undefined ? {} : { tag: parsed.tag }) };
    }
    const parsed = parseReference(reference);
    if (
      parsed.registry !== this.reference.registry || parsed.repository !== this.reference.repository
    ) {
      throw new InvalidArgumentError(
        `${
          JSON.stringify(reference)
        } is not in repository ${this.reference.registry}/${this.reference.repository}`,
      );
    }
    return parsed.digest !== undefined
      ? { digest: parsed.digest }
      : { tag: parsed.tag ?? "latest" };
  }

  /**
   * Resolve a tag or digest of this repository to its manifest descriptor
   * (`GET /v2/<repo>/manifests/<ref>`). The manifest bytes are kept verbatim
   * and served by {@linkcode RemoteTarget.fetch}.
   *
   * @param reference A tag, a `sha256:` digest, or a full image name in this
   *   repository; default: the reference this target was opened with.
   * @returns The manifest descriptor, annotated with the image name.
   * @throws {BlobNotFoundError} When the registry does not know the reference (404).
   * @throws {DigestMismatchError} When the body does not hash to `Docker-Content-Digest` or the requested digest.
   * @throws {InvalidArtifactError} When the response is an image index or not an image manifest.
   * @throws {InvalidArgumentError} When `reference` names another repository.
   */
  async resolve(reference?: string): Promise<Descriptor> {
    const ref = this.#refOf(reference);
    const key = ref.digest ?? (ref.tag as string);
    const display = ref.digest !== undefined
      ? `${this.reference.registry}/${this.reference.repository}@${ref.digest}`
      : `${this.reference.registry}/${this.reference.repository}:${ref.tag}`;
    const url = this.#url("manifests", key);
    const answer = await this.#request(
      { method: "GET", url, headers: { Accept: MANIFEST_ACCEPT }, idempotent: true },
      "pull",
    );
    const res = answer.response;
    if (res.status === 404) {
      await res.body?.cancel().catch(() => {});
      throw new BlobNotFoundError(display, this.baseUrl);
    }
    if (!res.ok) await this.#fail(answer, `resolve ${display}`, url);
    const bytes = await readBounded(
      "registry",
      answer,
      this.#maxManifestSize,
      "manifest",
      "throw",
    );
    const digest = await digestOf(bytes);
    const sent = res.headers.get("docker-content-digest");
    if (sent !== null && sent !== "" && sent !== digest) {
      throw new DigestMismatchError(printable(sent, 100), digest);
    }
    if (ref.digest !== undefined && ref.digest !== digest) {
      throw new DigestMismatchError(ref.digest, digest);
    }
    const mediaType = this.#manifestMediaType(bytes, res.headers.get("content-type"), display);
    this.#manifests.set(digest, bytes);
    return {
      mediaType,
      digest,
      size: bytes.length,
      annotations: { [ANNOTATION_REF_NAME]: display },
    };
  }

  #manifestMediaType(bytes: Uint8Array, contentType: string | null, display: string): string {
    let declared: unknown;
    try {
      declared = (JSON.parse(new TextDecoder().decode(bytes)) as { mediaType?: unknown })
        ?.mediaType;
    } catch (cause) {
      throw new InvalidArtifactError(`${display}: manifest is not JSON`, { cause });
    }
    const mediaType = typeof declared === "string"
      ? declared
      : (contentType ?? "").split(";")[0]!.trim();
    if (mediaType === MEDIA_TYPE_IMAGE_INDEX) {
      throw new InvalidArtifactError(`${display}: is an image index, expected an image manifest`);
    }
    if (mediaType === MEDIA_TYPE_ARTIFACT_MANIFEST) {
      throw new InvalidArtifactError(
        `${display}: uses the deprecated OCI artifact manifest media type`,
      );
    }
    if (mediaType !== MEDIA_TYPE_IMAGE_MANIFEST) {
      throw new InvalidArtifactError(
        `${display}: media type ${
          JSON.stringify(mediaType)
        }, expected '${MEDIA_TYPE_IMAGE_MANIFEST}'`,
      );
    }
    return mediaType;
  }

  /**
   * Whether the registry has the blob (or manifest), via `HEAD`.
   *
   * @param descriptor The descriptor.
   * @returns `true` when present (and the size matches, when the registry sends one).
   */
  async exists(descriptor: Descriptor): Promise<boolean> {
    const manifest = isManifestType(descriptor.mediaType);
    const url = this.#url(manifest ? "manifests" : "blobs", descriptor.digest);
    const answer = await this.#request(
      {
        method: "HEAD",
        url,
        ...(manifest ? { headers: { Accept: MANIFEST_ACCEPT } } : {}),
        idempotent: true,
      },
      "pull",
    );
    const res = answer.response;
    if (res.status === 404) {
      await res.body?.cancel().catch(() => {});
      return false;
    }
    if (!res.ok) await this.#fail(answer, `HEAD ${descriptor.digest}`, url);
    await res.body?.cancel().catch(() => {});
    const length = res.headers.get("content-length");
    return length === null || Number(length) === descriptor.size;
  }

  /**
   * Read and verify a whole blob (or a manifest, served from the bytes kept by
   * {@linkcode RemoteTarget.resolve} when possible).
   *
   * @param descriptor The descriptor.
   * @param options Abort signal.
   * @returns The verified bytes.
   * @throws {BlobNotFoundError} On 404.
   * @throws {SizeMismatchError} When the length differs from the descriptor's size.
   * @throws {DigestMismatchError} When the bytes do not hash to the digest.
   * @throws {LimitExceededError} When the declared size cannot be held in memory.
   */
  async fetch(descriptor: Descriptor, options?: FetchOptions): Promise<Uint8Array> {
    options?.signal?.throwIfAborted();
    const kept = this.#manifests.get(descriptor.digest);
    if (kept) {
      await verifyBytes(kept, descriptor);
      return kept.slice();
    }
    const d = parseDescriptor(descriptor, "fetch descriptor");
    let out: Uint8Array;
    try {
      out = new Uint8Array(d.size);
    } catch {
      throw new LimitExceededError(
        `blob ${d.digest} declares ${d.size} bytes, more than fits in memory (stream it with fetchStream)`,
      );
    }
    let at = 0;
    for await (const chunk of this.fetchStream(d, options)) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }

  /**
   * Stream a blob (`GET /v2/<repo>/blobs/<digest>`, redirects followed),
   * verifying size and digest; the final chunk is held back until the digest
   * matched, so a clean end always means verified content.
   *
   * @param descriptor The descriptor.
   * @param options Abort signal.
   * @returns A verifying stream.
   */
  fetchStream(descriptor: Descriptor, options?: FetchOptions): ReadableStream<Uint8Array> {
    const manifest = isManifestType(descriptor.mediaType);
    const url = this.#url(manifest ? "manifests" : "blobs", descriptor.digest);
    return verifiedStream(descriptor, async () => {
      const d = parseDescriptor(descriptor, "fetch descriptor");
      const answer = await this.#request(
        {
          method: "GET",
          url,
          ...(manifest ? { headers: { Accept: MANIFEST_ACCEPT } } : {}),
          ...(options?.signal ? { signal: options.signal } : {}),
          idempotent: true,
        },
        "pull",
      );
      const res = answer.response;
      if (res.status === 404) {
        await res.body?.cancel().catch(() => {});
        throw new BlobNotFoundError(d.digest, `${this.baseUrl}/${this.reference.repository}`);
      }
      if (!res.ok) await this.#fail(answer, `fetch ${d.digest}`, url);
      const length = res.headers.get("content-length");
      if (
        length !== null && res.headers.get("content-encoding") === null &&
        Number(length) !== d.size
      ) {
        await res.body?.cancel().catch(() => {});
        answer.abort();
        throw new SizeMismatchError(d.digest, d.size, Number(length));
      }
      return guardedBody("registry", this.#settings, answer, options?.signal);
    });
  }

  /**
   * Upload content after verifying it against `expected`. Manifests go to
   * `PUT /v2/<repo>/manifests/<digest>` (verbatim bytes); blobs are skipped
   * when `HEAD` finds them, else uploaded monolithically
   * (`POST /v2/<repo>/blobs/uploads/`, then `PUT <location>?digest=`).
   *
   * @param expected The descriptor the content must match.
   * @param content Bytes or a stream (read fully and verified before upload).
   * @returns Nothing.
   * @throws {SizeMismatchError} When the content's size differs (nothing is uploaded).
   * @throws {DigestMismatchError} When the content's digest differs (nothing is uploaded).
   */
  async push(
    expected: Descriptor,
    content: Uint8Array | ReadableStream<Uint8Array>,
  ): Promise<void> {
    const d = parseDescriptor(expected, "push descriptor");
    const bytes = await collectVerified(d, content);
    if (isManifestType(d.mediaType)) {
      await this.#putManifest(d.digest, d.mediaType, bytes, d.digest);
      this.#manifests.set(d.digest, bytes);
      return;
    }
    if (await this.exists(d)) return;
    const start = `${this.baseUrl}/v2/${this.reference.repository}/blobs/uploads/`;
    const answer = await this.#request(
      { method: "POST", url: start, idempotent: false },
      "pull,push",
    );
    const res = answer.response;
    if (res.status !== 202) await this.#fail(answer, `push ${d.digest}: start upload`, start);
    await res.body?.cancel().catch(() => {});
    const location = res.headers.get("location");
    if (!location) {
      throw new RegistryError("REGISTRY", `push ${d.digest}: ${start} sent no upload Location`, {
        status: res.status,
        url: start,
      });
    }
    let url: URL;
    try {
      url = new URL(location, answer.url);
    } catch (cause) {
      throw new RegistryError(
        "REGISTRY",
        `push ${d.digest}: invalid upload Location ${JSON.stringify(printable(location, 200))}`,
        { status: res.status, url: start, cause },
      );
    }
    if (url.protocol === "http:" && this.baseUrl.startsWith("https:")) {
      throw new RegistryError(
        "REGISTRY",
        `push ${d.digest}: refused plain-HTTP upload Location ${
          displayUrl(url)
        } of an https: registry`,
        { status: res.status, url: start },
      );
    }
    url.searchParams.set("digest", d.digest);
    // An upload session is used once: the PUT is not retried. Credentials go
    // with it only when the Location is on the registry's own origin.
    const put = await this.#request(
      {
        method: "PUT",
        url: url.href,
        headers: { "Content-Type": "application/octet-stream" },
        body: bytes,
        idempotent: false,
      },
      "pull,push",
    );
    if (put.response.status !== 201) {
      await this.#fail(put, `push ${d.digest}: upload`, url.href);
    }
    await put.response.body?.cancel().catch(() => {});
  }

  async #putManifest(
    ref: string,
    mediaType: string,
    bytes: Uint8Array,
    digest: string,
  ): Promise<void> {
    const url = this.#url("manifests", ref);
    const answer = await this.#request(
      { method: "PUT", url, headers: { "Content-Type": mediaType }, body: bytes, idempotent: true },
      "pull,push",
    );
    const res = answer.response;
    if (res.status !== 201) await this.#fail(answer, `put manifest ${digest}`, url);
    await res.body?.cancel().catch(() => {});
    const sent = res.headers.get("docker-content-digest");
    if (sent !== null && sent !== "" && sent !== digest) {
      throw new DigestMismatchError(digest, printable(sent, 100));
    }
  }

  /**
   * Tag a manifest: `PUT /v2/<repo>/manifests/<tag>` with the manifest's
   * verbatim bytes (kept from push/resolve, else fetched and verified).
   *
   * @param descriptor The manifest descriptor.
   * @param reference A tag, or a full image name with a tag in this repository.
   * @returns Nothing.
   * @throws {InvalidArgumentError} When `reference` is a digest or another repository.
   */
  async tag(descriptor: Descriptor, reference: string): Promise<void> {
    const d = parseDescriptor(descriptor, "tag descriptor");
    const ref = this.#refOf(reference);
    if (ref.tag === undefined) {
      throw new InvalidArgumentError(
        `cannot tag with a digest reference ${JSON.stringify(reference)}`,
      );
    }
    if (!isManifestType(d.mediaType)) {
      throw new InvalidArgumentError(
        `cannot tag ${d.digest}: media type '${d.mediaType}' is not a manifest`,
      );
    }
    const bytes = await this.fetch(d);
    await this.#putManifest(ref.tag, d.mediaType, bytes, d.digest);
  }

  /**
   * The tags of this repository: `GET /v2/<repo>/tags/list` (OCI Distribution
   * "Listing Tags"; the Python SDK has no counterpart), following
   * `Link: <…>; rel="next"` pages as long as they stay on the registry's own
   * origin. Bounded: each page body at most 1 MiB, at most `limit` tags
   * (`truncated` says whether the registry had more) and 1,000 pages. The
   * tags are returned as the registry sent them (strings only, in its
   * order, duplicates dropped); a caller parses each before using it as a
   * reference, since a hostile registry may send anything.
   *
   * @param options `limit`: the most tags returned (default 10,000).
   * @returns The tags and whether the list was cut at `limit`.
   * @throws {BlobNotFoundError} When the registry does not know the repository (404).
   * @throws {RegistryError} On another HTTP error, a body that is not a tag list, or a next page on another origin.
   * @throws {LimitExceededError} When a page is larger than 1 MiB.
   */
  async listTags(options: { limit?: number } = {}): Promise<TagList> {
    const limit = options.limit ?? 10_000;
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new InvalidArgumentError(`listTags: limit must be a positive integer, got ${limit}`);
    }
    const display = `${this.reference.registry}/${this.reference.repository}`;
    const tags: string[] = [];
    const seen = new Set<string>();
    let url: string | null = `${this.baseUrl}/v2/${this.reference.repository}/tags/list?n=${
      Math.min(limit + 1, 1000)
    }`;
    for (let page = 0; url !== null; page++) {
      if (page >= MAX_TAG_PAGES) {
        throw new RegistryError(
          "REGISTRY",
          `list tags of ${display}: more than ${MAX_TAG_PAGES} pages`,
          { url: displayUrl(url) },
        );
      }
      const answer = await this.#request(
        { method: "GET", url, headers: { Accept: "application/json" }, idempotent: true },
        "pull",
      );
      const res = answer.response;
      if (res.status === 404) {
        await res.body?.cancel().catch(() => {});
        throw new BlobNotFoundError(display, this.baseUrl);
      }
      if (!res.ok) await this.#fail(answer, `list tags of ${display}`, url);
      const bytes = await readBounded("registry", answer, MAX_TAG_PAGE, "tag list", "throw");
      let body: unknown;
      try {
        body = JSON.parse(new TextDecoder().decode(bytes));
      } catch (cause) {
        throw new RegistryError("REGISTRY", `list tags of ${display}: the answer is not JSON`, {
          cause,
          status: res.status,
          url: displayUrl(url),
        });
      }
      const list = (body as { tags?: unknown } | null)?.tags;
      if (list !== null && list !== undefined && !Array.isArray(list)) {
        throw new RegistryError(
          "REGISTRY",
          `list tags of ${display}: "tags" is not a list`,
          { status: res.status, url: displayUrl(url) },
        );
      }
      for (const tag of list ?? []) {
        if (typeof tag !== "string" || seen.has(tag)) continue;
        if (tags.length === limit) return { tags, truncated: true };
        seen.add(tag);
        tags.push(tag);
      }
      url = this.#nextPage(res.headers.get("link"), answer.url, display);
    }
    return { tags, truncated: false };
  }

  /** The `rel="next"` URL of a `Link` header, resolved; only on the registry's own origin. */
  #nextPage(link: string | null, base: string, display: string): string | null {
    if (link === null) return null;
    for (const part of link.split(",")) {
      const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
      if (m === null || !/(?:^|;)\s*rel\s*=\s*"?next"?\s*(?:;|$)/i.test(m[2]!)) continue;
      let next: URL;
      try {
        next = new URL(m[1]!, base);
      } catch {
        break;
      }
      if (next.origin !== this.#origin) {
        throw new RegistryError(
          "REGISTRY",
          `list tags of ${display}: refused a next page on another origin (${displayUrl(next)})`,
          { url: displayUrl(base) },
        );
      }
      return next.href;
    }
    return null;
  }

  /**
   * Forget cached tokens and manifests.
   *
   * @returns Nothing.
   */
  close(): Promise<void> {
    this.#auth.clear();
    this.#manifests.clear();
    return Promise.resolve();
  }
}

/**
 * Open one repository of a remote registry. Nothing is sent until the first
 * operation. The scheme follows the reference (`docs/glossary.md#registry-transport`) unless `plainHttp` says otherwise.
 *
 * @example Resolve and fetch through a custom fetch
 * ```ts
 * import { openRemoteRegistry } from "./remote_registry.ts";
 * import assert from "node:assert/strict";
 *
 * const manifest = new TextEncoder().encode(
 *   '{"mediaType":"application/vnd.oci.image.manifest.v1+json","schemaVersion":2}',
 * );
 * const seen: string[] = [];
 * const target = await openRemoteRegistry("127.0.0.1:5000/ommx/demo:v1", {
 *   fetch: (input) => {
 *     seen.push(String(input));
 *     return Promise.resolve(new Response(manifest));
 *   },
 * });
 * const d = await target.resolve();
 * assert.equal(d.size, manifest.length);
 * assert.deepEqual(seen, ["http://127.0.0.1:5000/v2/ommx/demo/manifests/v1"]);
 * ```
 *
 * @param reference An image reference (`host[:port]/repository[:tag|@digest]`) or a parsed one.
 * @param options Credentials, scheme override, limits, timeouts, retries, fetch implementation.
 * @returns The target.
 * @throws {InvalidReferenceError} When the reference does not parse.
 * @throws {InvalidArgumentError} When a timeout or retry option is out of range.
 */
export async function openRemoteRegistry(
  reference: string | ImageReference,
  options: OpenRemoteRegistryOptions = {},
): Promise<RemoteTarget> {
  const ref = typeof reference === "string" ? parseReference(reference) : reference;
  const c = options.credentials;
  const credentials = typeof c === "function" ? await c(ref.registry) : c;
  return new RemoteTarget(ref, {
    settings: httpSettings(options),
    credentials,
    plainHttp: options.plainHttp ?? usesPlainHttp(ref.registry),
    maxManifestSize: options.maxManifestSize ?? MAX_MANIFEST_SIZE,
  });
}
