/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** How a period's observations become one value (FRED's `aggregation_method`). AVG: their average. SUM: their sum. EOP: the value at the period's last observation. */
export type Aggregation =
  | 'AVG'
  | 'EOP'
  | 'SUM';

/** A frequency to aggregate to (FRED's `frequency` codes w, m, q, a). WEEKLY: ISO weeks, Monday to Sunday. MONTHLY, QUARTERLY, ANNUAL: calendar months, quarters, years. A period is dated by its first day. */
export type Frequency =
  | 'ANNUAL'
  | 'MONTHLY'
  | 'QUARTERLY'
  | 'WEEKLY';

/** Units of the values: FRED's `units` codes (LEVEL is FRED's `lin`) and three normalisations over the whole history. LEVEL: the value x(t). CHG: x(t) - x(t-1). CH1: x(t) - x(a year ago). PCH: (x(t) / x(t-1) - 1) * 100. PC1: (x(t) / x(a year ago) - 1) * 100. PCA: ((x(t) / x(t-1)) ^ n - 1) * 100, n observations per year (260 business-daily, 365 for 7-day daily, 52 weekly, 26 biweekly, 12 monthly, 4 quarterly, 2 semiannual, 1 annual). CCH: (ln x(t) - ln x(t-1)) * 100. CCA: CCH * n. LOG: ln x(t). ZSCORE: (x(t) - mean) / sample stddev. MINMAX: (x(t) - min) / (max - min). INDEX100: 100 * x(t) / x(base), base = the first observation on or after the dbt var index_base_date (2015-01-01 by default). x(t-1) is the previous observation; a year ago is the latest observation on or before the date minus 365 days (daily), 364 days (weekly, biweekly) or 12 months. Undefined arithmetic (division by 0, log of x <= 0, overflow) is null. */
export type Transform =
  | 'CCA'
  | 'CCH'
  | 'CH1'
  | 'CHG'
  | 'INDEX100'
  | 'LEVEL'
  | 'LOG'
  | 'MINMAX'
  | 'PC1'
  | 'PCA'
  | 'PCH'
  | 'ZSCORE';

export type IndicatorListQueryVariables = Exact<{ [key: string]: never; }>;


export type IndicatorListQuery = { indicators: Array<{ id: string, title: string, units: string, unitsShort: string, frequency: string, lastDate: string | null }> };

export type ModelSelectionQueryVariables = Exact<{
  id: string | number;
}>;


export type ModelSelectionQuery = { indicator: { id: string, forecast: { runId: string, model: string, selection: { chosen: string | null, spec: string, horizon: number | null, windows: number | null, cutoffs: Array<string>, candidates: Array<{ label: string, spec: string | null, selected: boolean, rank: number | null, mase: number | null, smape: number | null, coverage80: number | null, coverage95: number | null, note: string | null }> } } | null } };

export type TrendsStripQueryVariables = Exact<{ [key: string]: never; }>;


export type TrendsStripQuery = { trends: Array<{ id: string, latestDate: string | null, latestValue: number | null, change1d: number | null, change1m: number | null, change1y: number | null, pctChange1y: number | null }>, lastUpdate: { version: number, at: string } | null };

export type DataUpdatedSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type DataUpdatedSubscription = { dataUpdated: { version: number, seriesIds: Array<string> | null, at: string } };

export type HistoryViewQueryVariables = Exact<{
  id: string | number;
  start?: string | null | undefined;
  end?: string | null | undefined;
  transform: Transform;
  frequency?: Frequency | null | undefined;
  aggregation: Aggregation;
  maxPoints?: number | null | undefined;
}>;


export type HistoryViewQuery = { indicator: { id: string, title: string, units: string, unitsShort: string, frequency: string, seasonalAdjustment: string, lastDate: string | null, observations: { dates: string[], values: (number | null)[] }, stats: { count: number, mean: number | null, stddev: number | null, min: number | null, max: number | null, start: string | null, end: string | null }, windowStats: Array<{ window: string, windowStart: string, windowEnd: string, count: number, mean: number | null, stddev: number | null, min: number | null, max: number | null, change: number | null }>, forecast: { runId: string, model: string, createdAt: string, dates: Array<string>, mean: Array<number>, lower80: Array<number>, upper80: Array<number>, lower95: Array<number>, upper95: Array<number> } | null } };


export const IndicatorListDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"IndicatorList"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"indicators"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"units"}},{"kind":"Field","name":{"kind":"Name","value":"unitsShort"}},{"kind":"Field","name":{"kind":"Name","value":"frequency"}},{"kind":"Field","name":{"kind":"Name","value":"lastDate"}}]}}]}}]} as unknown as DocumentNode<IndicatorListQuery, IndicatorListQueryVariables>;
export const ModelSelectionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ModelSelection"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"indicator"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"forecast"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"runId"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"selection"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"chosen"}},{"kind":"Field","name":{"kind":"Name","value":"spec"}},{"kind":"Field","name":{"kind":"Name","value":"horizon"}},{"kind":"Field","name":{"kind":"Name","value":"windows"}},{"kind":"Field","name":{"kind":"Name","value":"cutoffs"}},{"kind":"Field","name":{"kind":"Name","value":"candidates"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"spec"}},{"kind":"Field","name":{"kind":"Name","value":"selected"}},{"kind":"Field","name":{"kind":"Name","value":"rank"}},{"kind":"Field","name":{"kind":"Name","value":"mase"}},{"kind":"Field","name":{"kind":"Name","value":"smape"}},{"kind":"Field","name":{"kind":"Name","value":"coverage80"}},{"kind":"Field","name":{"kind":"Name","value":"coverage95"}},{"kind":"Field","name":{"kind":"Name","value":"note"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<ModelSelectionQuery, ModelSelectionQueryVariables>;
export const TrendsStripDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"TrendsStrip"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"trends"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"latestDate"}},{"kind":"Field","name":{"kind":"Name","value":"latestValue"}},{"kind":"Field","name":{"kind":"Name","value":"change1d"}},{"kind":"Field","name":{"kind":"Name","value":"change1m"}},{"kind":"Field","name":{"kind":"Name","value":"change1y"}},{"kind":"Field","name":{"kind":"Name","value":"pctChange1y"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lastUpdate"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}}]}}]} as unknown as DocumentNode<TrendsStripQuery, TrendsStripQueryVariables>;
export const DataUpdatedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"DataUpdated"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"dataUpdated"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"seriesIds"}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}}]}}]} as unknown as DocumentNode<DataUpdatedSubscription, DataUpdatedSubscriptionVariables>;
export const HistoryViewDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"HistoryView"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"start"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"end"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"transform"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Transform"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"frequency"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Frequency"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"aggregation"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Aggregation"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"maxPoints"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"indicator"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"units"}},{"kind":"Field","name":{"kind":"Name","value":"unitsShort"}},{"kind":"Field","name":{"kind":"Name","value":"frequency"}},{"kind":"Field","name":{"kind":"Name","value":"seasonalAdjustment"}},{"kind":"Field","name":{"kind":"Name","value":"lastDate"}},{"kind":"Field","name":{"kind":"Name","value":"observations"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"start"},"value":{"kind":"Variable","name":{"kind":"Name","value":"start"}}},{"kind":"Argument","name":{"kind":"Name","value":"end"},"value":{"kind":"Variable","name":{"kind":"Name","value":"end"}}},{"kind":"Argument","name":{"kind":"Name","value":"transform"},"value":{"kind":"Variable","name":{"kind":"Name","value":"transform"}}},{"kind":"Argument","name":{"kind":"Name","value":"frequency"},"value":{"kind":"Variable","name":{"kind":"Name","value":"frequency"}}},{"kind":"Argument","name":{"kind":"Name","value":"aggregation"},"value":{"kind":"Variable","name":{"kind":"Name","value":"aggregation"}}},{"kind":"Argument","name":{"kind":"Name","value":"maxPoints"},"value":{"kind":"Variable","name":{"kind":"Name","value":"maxPoints"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"dates"}},{"kind":"Field","name":{"kind":"Name","value":"values"}}]}},{"kind":"Field","name":{"kind":"Name","value":"stats"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"start"},"value":{"kind":"Variable","name":{"kind":"Name","value":"start"}}},{"kind":"Argument","name":{"kind":"Name","value":"end"},"value":{"kind":"Variable","name":{"kind":"Name","value":"end"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"count"}},{"kind":"Field","name":{"kind":"Name","value":"mean"}},{"kind":"Field","name":{"kind":"Name","value":"stddev"}},{"kind":"Field","name":{"kind":"Name","value":"min"}},{"kind":"Field","name":{"kind":"Name","value":"max"}},{"kind":"Field","name":{"kind":"Name","value":"start"}},{"kind":"Field","name":{"kind":"Name","value":"end"}}]}},{"kind":"Field","name":{"kind":"Name","value":"windowStats"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"window"}},{"kind":"Field","name":{"kind":"Name","value":"windowStart"}},{"kind":"Field","name":{"kind":"Name","value":"windowEnd"}},{"kind":"Field","name":{"kind":"Name","value":"count"}},{"kind":"Field","name":{"kind":"Name","value":"mean"}},{"kind":"Field","name":{"kind":"Name","value":"stddev"}},{"kind":"Field","name":{"kind":"Name","value":"min"}},{"kind":"Field","name":{"kind":"Name","value":"max"}},{"kind":"Field","name":{"kind":"Name","value":"change"}}]}},{"kind":"Field","name":{"kind":"Name","value":"forecast"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"runId"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"dates"}},{"kind":"Field","name":{"kind":"Name","value":"mean"}},{"kind":"Field","name":{"kind":"Name","value":"lower80"}},{"kind":"Field","name":{"kind":"Name","value":"upper80"}},{"kind":"Field","name":{"kind":"Name","value":"lower95"}},{"kind":"Field","name":{"kind":"Name","value":"upper95"}}]}}]}}]}}]} as unknown as DocumentNode<HistoryViewQuery, HistoryViewQueryVariables>;