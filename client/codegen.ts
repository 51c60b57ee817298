import type { CodegenConfig } from "@graphql-codegen/cli";

/**
 * Types for every operation come from the schema the API exports (`make schema`),
 * so a contract change shows up as a type error here rather than a blank chart.
 */
const config: CodegenConfig = {
  schema: "schema.graphql",
  documents: ["src/**/*.{ts,tsx}", "!src/gql/**/*"],
  ignoreNoDocuments: false,
  generates: {
    "src/gql/": {
      preset: "client",
      presetConfig: {
        fragmentMasking: false,
      },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: {
          Date: "string",
          DateTime: "string",
          // Whole time-series columns, one JSON array each (graphql_api/types/columns.py).
          DateColumn: "string[]",
          FloatColumn: "(number | null)[]",
          // Candidate model parameters: an object whose keys depend on the model family.
          JSON: "unknown",
        },
      },
    },
  },
};

export default config;
