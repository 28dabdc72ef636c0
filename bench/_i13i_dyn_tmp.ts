if (Deno.args[0] === "x") await import("../mod.ts");
