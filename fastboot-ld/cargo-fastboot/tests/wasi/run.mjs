// Runs a wasm32-wasip1 program with Node's WASI: a cargo runner, as
// CARGO_TARGET_WASM32_WASIP1_RUNNER="node <this file>". The program gets
// the arguments after the module's path and this process's environment.
import { readFile } from "node:fs/promises";
import { WASI } from "node:wasi";
import process from "node:process";

const [module, ...args] = process.argv.slice(2);
const wasi = new WASI({
  version: "preview1",
  args: [module, ...args],
  env: process.env,
  returnOnExit: true,
});
const instance = await WebAssembly.instantiate(
  await WebAssembly.compile(await readFile(module)),
  wasi.getImportObject(),
);
process.exitCode = wasi.start(instance);
