import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSSyncVariant,
  type QuickJSWASMModule,
} from 'quickjs-emscripten-core';

const variantPackage = '@jitl/quickjs-wasmfile-release-sync';
const pageBytes = 64 * 1024;
/** The heap the QuickJS build starts with (its INITIAL_MEMORY); runtimes and contexts live in it. */
export const baseHeapBytes = 16 * 1024 * 1024;

/** The WebAssembly global of Node: its types ship only with the DOM library, which this project leaves out. */
type CompiledWasm = { readonly __compiledWasm: unique symbol };
interface WebAssemblyApi {
  compile(bytes: Uint8Array): Promise<CompiledWasm>;
  Memory: new (descriptor: { initial: number; maximum: number }) => object;
}
const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

let compiling: Promise<CompiledWasm> | undefined;

function isVariant(value: unknown): value is QuickJSSyncVariant {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'sync';
}

async function baseVariant(): Promise<QuickJSSyncVariant> {
  const loaded: { default: unknown } = await import(variantPackage);
  // The package's ESM build exports the variant as `default`; its CJS typings describe one level more.
  const candidate = isVariant(loaded.default)
    ? loaded.default
    : (loaded.default as { default?: unknown }).default;
  if (!isVariant(candidate)) throw new Error(`${variantPackage} did not export a QuickJS variant`);
  return candidate;
}

/** Compiles the QuickJS WebAssembly binary once per process: the real cold start. */
function compiledModule(): Promise<CompiledWasm> {
  compiling ??= (async () => {
    const path = createRequire(import.meta.url).resolve(`${variantPackage}/wasm`);
    return webAssembly.compile(await readFile(path));
  })().catch((error: unknown) => {
    compiling = undefined;
    throw error;
  });
  return compiling;
}

/**
 * A new QuickJS instance on the compiled binary, with its own WebAssembly memory capped at
 * `baseHeapBytes + heapLimitBytes`. The cap is what really bounds a script's memory: QuickJS's
 * own limit cannot see the size of most allocations in a WebAssembly build.
 */
export async function instantiateQuickJs(heapLimitBytes: number): Promise<QuickJSWASMModule> {
  const [base, compiled] = await Promise.all([baseVariant(), compiledModule()]);
  const memory = new webAssembly.Memory({
    initial: baseHeapBytes / pageBytes,
    maximum: Math.ceil((baseHeapBytes + heapLimitBytes) / pageBytes),
  });
  return newQuickJSWASMModuleFromVariant(newVariant(base, { wasmModule: compiled, wasmMemory: memory }));
}
