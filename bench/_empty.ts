// `bench/compare_python.sh`: a process that imports nothing (bare Deno start-up).
