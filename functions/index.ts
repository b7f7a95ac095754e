// Every deployable entry point, and nothing else. functions-framework loads this module
// (package.json "main") and serves the function named by --target.
export {};
