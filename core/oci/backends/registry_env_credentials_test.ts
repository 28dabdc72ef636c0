import assert from "node:assert/strict";
import { envCredentials } from "./registry_env_credentials.ts";
import { openRemoteRegistry } from "./remote_registry.ts";
import { InvalidArgumentError } from "../../errors.ts";
import { startRegistryServer } from "./_registry_server_test_util.ts";

Deno.test("envCredentials: exact domain match, both values required", async () => {
  const env = {
    OMMX_BASIC_AUTH_DOMAIN: "127.0.0.1:5000",
    OMMX_BASIC_AUTH_USERNAME: "u",
    OMMX_BASIC_AUTH_PASSWORD: "",
  };
  assert.deepEqual(await envCredentials(env)("127.0.0.1:5000"), { username: "u", password: "" });
  assert.equal(await envCredentials(env)("127.0.0.1"), undefined);
  assert.equal(await envCredentials({})("127.0.0.1:5000"), undefined);
  await assert.rejects(
    Promise.resolve(
      envCredentials({ OMMX_BASIC_AUTH_DOMAIN: "h", OMMX_BASIC_AUTH_USERNAME: "u" })("h"),
    ),
    (e) => {
      assert.ok(e instanceof InvalidArgumentError);
      assert.equal(e.code, "INVALID_ARGUMENT");
      assert.match(e.message, /OMMX_BASIC_AUTH_PASSWORD is not set/);
      return true;
    },
  );
});

Deno.test("envCredentials: reads the process environment and authenticates a Basic registry", async () => {
  const server = startRegistryServer({ basic: { username: "env-user", password: "env-pw" } });
  const keys = ["OMMX_BASIC_AUTH_DOMAIN", "OMMX_BASIC_AUTH_USERNAME", "OMMX_BASIC_AUTH_PASSWORD"];
  const saved = keys.map((k) => Deno.env.get(k));
  try {
    Deno.env.set("OMMX_BASIC_AUTH_DOMAIN", server.host);
    Deno.env.set("OMMX_BASIC_AUTH_USERNAME", "env-user");
    Deno.env.set("OMMX_BASIC_AUTH_PASSWORD", "env-pw");
    const target = await openRemoteRegistry(`${server.host}/a/b:v1`, {
      credentials: envCredentials(),
    });
    // Authenticated: the registry answers 404 for the unknown tag instead of 401.
    await assert.rejects(target.resolve(), { code: "BLOB_NOT_FOUND" });
  } finally {
    keys.forEach((k, i) =>
      saved[i] === undefined ? Deno.env.delete(k) : Deno.env.set(k, saved[i]!)
    );
    await server.close();
  }
});
