// The dashboard model of @grafana/schema as it is written in JSON, with each panel's options and
// custom field config checked against that panel plugin's own schema.
import type { Dashboard, FieldConfig, FieldConfigSource, Panel, RowPanel } from '@grafana/schema';
import type { Options as BarGaugeOptions } from '@grafana/schema/dist/esm/raw/composable/bargauge/panelcfg/x/BarGaugePanelCfg_types.gen';
import type { Options as StatOptions } from '@grafana/schema/dist/esm/raw/composable/stat/panelcfg/x/StatPanelCfg_types.gen';
import type {
  FieldConfig as StateTimelineFieldConfig,
  Options as StateTimelineOptions,
} from '@grafana/schema/dist/esm/raw/composable/statetimeline/panelcfg/x/StateTimelinePanelCfg_types.gen';
import type {
  FieldConfig as TableFieldConfig,
  Options as TableOptions,
} from '@grafana/schema/dist/esm/raw/composable/table/panelcfg/x/TablePanelCfg_types.gen';
import type {
  FieldConfig as TimeSeriesFieldConfig,
  Options as TimeSeriesOptions,
} from '@grafana/schema/dist/esm/raw/composable/timeseries/panelcfg/x/TimeSeriesPanelCfg_types.gen';

/** A type as stored in JSON: a string enum member is written as its string value. */
export type Json<T> = T extends string
  ? `${T}`
  : T extends ReadonlyArray<infer U>
    ? Array<Json<U>>
    : T extends object
      ? { [K in keyof T]: Json<T[K]> }
      : T;

type NoCustom = Record<string, never>;

type TypedPanel<TType extends string, TOptions, TCustom> = Omit<Json<Panel>, 'type' | 'options' | 'fieldConfig'> & {
  type: TType;
  options: Json<TOptions>;
  fieldConfig: {
    defaults: Omit<Json<FieldConfig>, 'custom'> & { custom?: Json<TCustom> };
    overrides: Json<FieldConfigSource['overrides']>;
  };
};

// The alert list panel ships no schema in @grafana/schema: only the generic panel model applies.
type AlertListPanel = Omit<Json<Panel>, 'type'> & { type: 'alertlist' };

export type KnownPanel =
  | TypedPanel<'stat', StatOptions, NoCustom>
  | TypedPanel<'bargauge', BarGaugeOptions, NoCustom>
  | TypedPanel<'timeseries', TimeSeriesOptions, TimeSeriesFieldConfig>
  | TypedPanel<'state-timeline', StateTimelineOptions, StateTimelineFieldConfig>
  | TypedPanel<'table', TableOptions, TableFieldConfig>
  | AlertListPanel;

type Row = Omit<Json<RowPanel>, 'panels'> & { panels: KnownPanel[] };

/** A dashboard as Grafana stores it, minus the import-only __inputs/__requires. */
export type CheckedDashboard = Omit<Json<Dashboard>, 'panels'> & { panels: Array<KnownPanel | Row> };
