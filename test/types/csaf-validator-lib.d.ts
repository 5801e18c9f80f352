// Types for the parts of @secvisogram/csaf-validator-lib the tests use (the package ships JavaScript only).

declare module "@secvisogram/csaf-validator-lib/validateStrict.js" {
  interface TestResult {
    name: string;
    isValid: boolean;
    errors: { instancePath: string; message?: string }[];
  }
  export default function validateStrict(
    tests: readonly unknown[],
    document: unknown,
  ): Promise<{ isValid: boolean; tests: TestResult[] }>;
}

declare module "@secvisogram/csaf-validator-lib/basic.js" {
  const tests: Record<string, unknown>;
  export = tests;
}
