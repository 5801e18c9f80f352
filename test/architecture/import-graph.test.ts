import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { cycles, featureOf, importGraph, sourceFiles } from "./import-graph.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const files = sourceFiles(root).filter((f) => !/\.test\.tsx?$/.test(f));
const edges = importGraph(root, files);

/** Pure data tables may be long; everything else is one role per file. */
const LONG_DATA_TABLES = new Set(["src/domain/cvss40-tables.ts"]);

describe("the import graph of src/ (type imports included)", () => {
  it("reads real imports, so an empty graph cannot pass by accident", () => {
    expect(files.length).toBeGreaterThan(100);
    expect(edges.length).toBeGreaterThan(400);
  });

  it("has no import cycle", () => {
    expect(cycles(files, edges)).toEqual([]);
  });

  it("has no pair of features that import each other", () => {
    const pairs = new Set<string>();
    for (const e of edges) {
      const a = featureOf(e.from);
      const b = featureOf(e.to);
      if (a && b && a !== b) pairs.add(`${a} -> ${b}`);
    }
    const mutual = [...pairs].filter((p) => {
      const [a, b] = p.split(" -> ");
      return a! < b! && pairs.has(`${b} -> ${a}`);
    });
    expect(mutual).toEqual([]);
  });

  it("has no feature reading another feature's repo", () => {
    const reads = edges
      .filter((e) => {
        const a = featureOf(e.from);
        const b = featureOf(e.to);
        return a && b && a !== b && /\.repo\.ts$/.test(e.to);
      })
      .map((e) => `${e.from} -> ${e.to}`);
    expect(reads).toEqual([]);
  });

  it("keeps the layers: features never import the composition root, the kernel and the domain import no feature", () => {
    const wrong = edges
      .filter(
        (e) =>
          (featureOf(e.from) && /^src\/(services|runtime|main)\.ts$/.test(e.to)) ||
          (featureOf(e.from) && /^src\/http\/app(-api|-publication)?\.tsx?$/.test(e.to)) ||
          (/^src\/(core|domain)\//.test(e.from) && !/^src\/(core|domain|db)\//.test(e.to)) ||
          (/^src\/domain\//.test(e.from) && !/^src\/domain\//.test(e.to)) ||
          // src/jobs/workers.ts registers the features' job handlers: it is part of the composition root.
          (/^src\/(core|db|crypto|mail|jobs|audit|git)\//.test(e.from) &&
            e.from !== "src/jobs/workers.ts" &&
            featureOf(e.to) !== null),
      )
      .map((e) => `${e.from} -> ${e.to}`);
    expect(wrong).toEqual([]);
  });

  it("keeps every source file at 400 lines or fewer, pure data tables aside", () => {
    const long = files
      .filter((f) => !LONG_DATA_TABLES.has(f))
      .map((f) => ({ f, lines: fs.readFileSync(path.join(root, f), "utf8").split("\n").length - 1 }))
      .filter(({ lines }) => lines > 400)
      .map(({ f, lines }) => `${f}: ${lines} lines`);
    expect(long).toEqual([]);
  });
});

describe("the checks themselves", () => {
  it("finds a cycle and a mutual pair when there is one", () => {
    const fake = ["src/features/a/a.service.ts", "src/features/b/b.service.ts"];
    const fakeEdges = [
      { from: fake[0]!, to: fake[1]! },
      { from: fake[1]!, to: fake[0]! },
    ];
    expect(cycles(fake, fakeEdges)).toEqual([fake]);
  });

  it("counts type-only and re-export imports as edges", () => {
    const dir = fs.mkdtempSync(path.join(root, ".tmp-graph-"));
    try {
      fs.mkdirSync(path.join(dir, "src"), { recursive: true });
      fs.writeFileSync(
        path.join(dir, "src/a.ts"),
        'import type { B } from "./b.ts";\nexport { c } from "./c.ts";\n// import { d } from "./d.ts";\n',
      );
      const graph = importGraph(dir, ["src/a.ts"]);
      expect(graph.map((e) => e.to)).toEqual(["src/b.ts", "src/c.ts"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
