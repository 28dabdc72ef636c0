// `bench/compare_python.sh`: a process that only imports the package entry (`deno.json` `exports`, the generated bundle; its start-up cost).
import "@ommx-ts/experiment";
