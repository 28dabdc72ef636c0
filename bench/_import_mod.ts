// `bench/compare_python.sh`: a process that only imports the package root (its start-up cost).
import "../mod.ts";
