import type { ViewStateHandle } from "../../lib/useViewState";
import {
  AGGREGATION_CODES,
  AGGREGATION_LABELS,
  FREQUENCY_CODES,
  FREQUENCY_LABELS,
  type AggregationCode,
  type FrequencyCode,
  type ViewState,
} from "../../lib/viewState";
import { ChoiceSelect } from "./ChoiceSelect";

const FREQUENCIES = [
  ["native", "As published"] as const,
  ...(Object.keys(FREQUENCY_CODES) as FrequencyCode[]).map((c) => [c, FREQUENCY_LABELS[c]] as const),
];
const AGGREGATIONS = (Object.keys(AGGREGATION_CODES) as AggregationCode[]).map(
  (c) => [c, AGGREGATION_LABELS[c]] as const,
);

/** The frequency a view resamples to ("as published" or FRED's w/m/q/a) and, when it
 * resamples, how a period's observations become one value. */
export function FrequencyControls({ state, update }: { state: ViewState; update: ViewStateHandle["update"] }) {
  return (
    <>
      <ChoiceSelect
        label="Frequency"
        value={state.frequency ?? "native"}
        options={FREQUENCIES}
        onChange={(f) => update({ frequency: f === "native" ? null : f })}
      />
      {state.frequency ? (
        <ChoiceSelect
          label="Aggregation"
          value={state.aggregation}
          options={AGGREGATIONS}
          onChange={(aggregation) => update({ aggregation })}
        />
      ) : null}
    </>
  );
}
