/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query IndicatorList {\n    indicators {\n      id\n      title\n      units\n      unitsShort\n      frequency\n      lastDate\n    }\n  }\n": typeof types.IndicatorListDocument,
    "\n  query ModelSelection($id: ID!) {\n    indicator(id: $id) {\n      id\n      forecast {\n        runId\n        model\n        selection {\n          chosen\n          spec\n          horizon\n          windows\n          cutoffs\n          candidates {\n            label\n            spec\n            selected\n            rank\n            mase\n            smape\n            coverage80\n            coverage95\n            note\n          }\n        }\n      }\n    }\n  }\n": typeof types.ModelSelectionDocument,
    "\n  query TrendsStrip {\n    trends {\n      id\n      latestDate\n      latestValue\n      change1d\n      change1m\n      change1y\n      pctChange1y\n    }\n    lastUpdate {\n      version\n      at\n    }\n  }\n": typeof types.TrendsStripDocument,
    "\n  subscription DataUpdated {\n    dataUpdated {\n      version\n      seriesIds\n      at\n    }\n  }\n": typeof types.DataUpdatedDocument,
    "\n  query HistoryView(\n    $id: ID!\n    $start: Date\n    $end: Date\n    $transform: Transform!\n    $frequency: Frequency\n    $aggregation: Aggregation!\n    $maxPoints: Int\n  ) {\n    indicator(id: $id) {\n      id\n      title\n      units\n      unitsShort\n      frequency\n      seasonalAdjustment\n      lastDate\n      observations(\n        start: $start\n        end: $end\n        transform: $transform\n        frequency: $frequency\n        aggregation: $aggregation\n        maxPoints: $maxPoints\n      ) {\n        dates\n        values\n      }\n      stats(start: $start, end: $end) {\n        count\n        mean\n        stddev\n        min\n        max\n        start\n        end\n      }\n      windowStats {\n        window\n        windowStart\n        windowEnd\n        count\n        mean\n        stddev\n        min\n        max\n        change\n      }\n      forecast {\n        runId\n        model\n        createdAt\n        dates\n        mean\n        lower80\n        upper80\n        lower95\n        upper95\n      }\n    }\n  }\n": typeof types.HistoryViewDocument,
};
const documents: Documents = {
    "\n  query IndicatorList {\n    indicators {\n      id\n      title\n      units\n      unitsShort\n      frequency\n      lastDate\n    }\n  }\n": types.IndicatorListDocument,
    "\n  query ModelSelection($id: ID!) {\n    indicator(id: $id) {\n      id\n      forecast {\n        runId\n        model\n        selection {\n          chosen\n          spec\n          horizon\n          windows\n          cutoffs\n          candidates {\n            label\n            spec\n            selected\n            rank\n            mase\n            smape\n            coverage80\n            coverage95\n            note\n          }\n        }\n      }\n    }\n  }\n": types.ModelSelectionDocument,
    "\n  query TrendsStrip {\n    trends {\n      id\n      latestDate\n      latestValue\n      change1d\n      change1m\n      change1y\n      pctChange1y\n    }\n    lastUpdate {\n      version\n      at\n    }\n  }\n": types.TrendsStripDocument,
    "\n  subscription DataUpdated {\n    dataUpdated {\n      version\n      seriesIds\n      at\n    }\n  }\n": types.DataUpdatedDocument,
    "\n  query HistoryView(\n    $id: ID!\n    $start: Date\n    $end: Date\n    $transform: Transform!\n    $frequency: Frequency\n    $aggregation: Aggregation!\n    $maxPoints: Int\n  ) {\n    indicator(id: $id) {\n      id\n      title\n      units\n      unitsShort\n      frequency\n      seasonalAdjustment\n      lastDate\n      observations(\n        start: $start\n        end: $end\n        transform: $transform\n        frequency: $frequency\n        aggregation: $aggregation\n        maxPoints: $maxPoints\n      ) {\n        dates\n        values\n      }\n      stats(start: $start, end: $end) {\n        count\n        mean\n        stddev\n        min\n        max\n        start\n        end\n      }\n      windowStats {\n        window\n        windowStart\n        windowEnd\n        count\n        mean\n        stddev\n        min\n        max\n        change\n      }\n      forecast {\n        runId\n        model\n        createdAt\n        dates\n        mean\n        lower80\n        upper80\n        lower95\n        upper95\n      }\n    }\n  }\n": types.HistoryViewDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query IndicatorList {\n    indicators {\n      id\n      title\n      units\n      unitsShort\n      frequency\n      lastDate\n    }\n  }\n"): (typeof documents)["\n  query IndicatorList {\n    indicators {\n      id\n      title\n      units\n      unitsShort\n      frequency\n      lastDate\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ModelSelection($id: ID!) {\n    indicator(id: $id) {\n      id\n      forecast {\n        runId\n        model\n        selection {\n          chosen\n          spec\n          horizon\n          windows\n          cutoffs\n          candidates {\n            label\n            spec\n            selected\n            rank\n            mase\n            smape\n            coverage80\n            coverage95\n            note\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ModelSelection($id: ID!) {\n    indicator(id: $id) {\n      id\n      forecast {\n        runId\n        model\n        selection {\n          chosen\n          spec\n          horizon\n          windows\n          cutoffs\n          candidates {\n            label\n            spec\n            selected\n            rank\n            mase\n            smape\n            coverage80\n            coverage95\n            note\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TrendsStrip {\n    trends {\n      id\n      latestDate\n      latestValue\n      change1d\n      change1m\n      change1y\n      pctChange1y\n    }\n    lastUpdate {\n      version\n      at\n    }\n  }\n"): (typeof documents)["\n  query TrendsStrip {\n    trends {\n      id\n      latestDate\n      latestValue\n      change1d\n      change1m\n      change1y\n      pctChange1y\n    }\n    lastUpdate {\n      version\n      at\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DataUpdated {\n    dataUpdated {\n      version\n      seriesIds\n      at\n    }\n  }\n"): (typeof documents)["\n  subscription DataUpdated {\n    dataUpdated {\n      version\n      seriesIds\n      at\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query HistoryView(\n    $id: ID!\n    $start: Date\n    $end: Date\n    $transform: Transform!\n    $frequency: Frequency\n    $aggregation: Aggregation!\n    $maxPoints: Int\n  ) {\n    indicator(id: $id) {\n      id\n      title\n      units\n      unitsShort\n      frequency\n      seasonalAdjustment\n      lastDate\n      observations(\n        start: $start\n        end: $end\n        transform: $transform\n        frequency: $frequency\n        aggregation: $aggregation\n        maxPoints: $maxPoints\n      ) {\n        dates\n        values\n      }\n      stats(start: $start, end: $end) {\n        count\n        mean\n        stddev\n        min\n        max\n        start\n        end\n      }\n      windowStats {\n        window\n        windowStart\n        windowEnd\n        count\n        mean\n        stddev\n        min\n        max\n        change\n      }\n      forecast {\n        runId\n        model\n        createdAt\n        dates\n        mean\n        lower80\n        upper80\n        lower95\n        upper95\n      }\n    }\n  }\n"): (typeof documents)["\n  query HistoryView(\n    $id: ID!\n    $start: Date\n    $end: Date\n    $transform: Transform!\n    $frequency: Frequency\n    $aggregation: Aggregation!\n    $maxPoints: Int\n  ) {\n    indicator(id: $id) {\n      id\n      title\n      units\n      unitsShort\n      frequency\n      seasonalAdjustment\n      lastDate\n      observations(\n        start: $start\n        end: $end\n        transform: $transform\n        frequency: $frequency\n        aggregation: $aggregation\n        maxPoints: $maxPoints\n      ) {\n        dates\n        values\n      }\n      stats(start: $start, end: $end) {\n        count\n        mean\n        stddev\n        min\n        max\n        start\n        end\n      }\n      windowStats {\n        window\n        windowStart\n        windowEnd\n        count\n        mean\n        stddev\n        min\n        max\n        change\n      }\n      forecast {\n        runId\n        model\n        createdAt\n        dates\n        mean\n        lower80\n        upper80\n        lower95\n        upper95\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;