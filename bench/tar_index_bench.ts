/**
 * In-process timing of the archive's tar index: `deno run -A
 * bench/tar_index_bench.ts <archive> [tree] [rounds]` opens the archive with
 * `openArchiveFile` (the tar walk plus `index.json`) `rounds` times (default
 * 10) after one warm-up and prints the median per-open time and the time per
 * tar member; the same with `indexTar` over the bytes in memory. `tree` is a
 * checkout of this repository (default: this one): run it alternately
 * against two trees for an A/B.
 *
 * @module
 */
const root = Deno.args[1] ?? new URL("..", import.meta.url).pathname;
const rounds = Number(Deno.args[2] ?? 10);
const { openArchiveFile } = await import(`${root}/core/oci/backends/archive.ts`);
const { indexTar } = await import(`${root}/core/oci/tar/reader.ts`);
const { bytesSource } = await import(`${root}/core/oci/random_access.ts`);
const path = Deno.args[0]!;
const bytes = await Deno.readFile(path);
const members = (await indexTar(bytesSource(bytes))).length;
const median = (xs: number[]) => xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const cpu = () => {
  const u = Deno.cpuUsage();
  return (u.user + u.system) / 1000;
};
const open: number[] = [];
const openCpu: number[] = [];
const index: number[] = [];
for (let i = 0; i <= rounds; i++) {
  let t = performance.now();
  const c = cpu();
  const target = await openArchiveFile(path);
  const tOpen = performance.now() - t;
  const cOpen = cpu() - c;
  await target.close();
  t = performance.now();
  await indexTar(bytesSource(bytes));
  const tIndex = performance.now() - t;
  if (i > 0) {
    open.push(tOpen);
    openCpu.push(cOpen);
    index.push(tIndex);
  }
}
const mo = median(open), mc = median(openCpu), mi = median(index);
const perMember = (ms: number) => (ms * 1000 / members).toFixed(2);
console.log(
  `members ${members} openArchiveFile ${mo.toFixed(1)} ms (${perMember(mo)} µs/member; ` +
    `cpu ${mc.toFixed(1)} ms, ${perMember(mc)} µs/member) ` +
    `indexTar ${mi.toFixed(1)} ms (${perMember(mi)} µs/member)`,
);
