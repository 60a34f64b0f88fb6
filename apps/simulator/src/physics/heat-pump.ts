/*
 * An air-to-water heat pump heating a building and its hot water.
 *
 *   space heating  degree-hour model: the building needs heat in proportion to how far the
 *                  outdoor temperature is below its heating limit (internal and solar gains cover
 *                  the rest), less during the night setback;
 *   hot water      a fixed daily amount, drawn around the morning and the evening showers;
 *   flow           a heating curve: the colder it is outside, the hotter the water sent to the
 *                  radiators or floor; hot water is made at 55 °C;
 *   COP            a share of the Carnot COP between the outdoor air and the flow temperature,
 *                  each with a 5 K heat-exchanger approach. Warmer air means a smaller lift and a
 *                  higher COP, so electrical power falls twice over as the outdoor air warms up.
 */

export interface HeatPumpSpec {
  /** Heating capacity, kW of heat. */
  thermalPowerKw: number;
  /** Heat the building loses per kelvin below its heating limit, kW/K. */
  heatLossKwPerK: number;
  /** Outdoor temperature above which the building needs no space heating, °C. */
  heatingLimitC: number;
  /** Lower room temperature from 22:00 to 06:00 local time, K. */
  nightSetbackK: number;
  /** Domestic hot water, kWh of heat per day. */
  hotWaterKwhPerDay: number;
  /** Share of the Carnot COP the machine reaches, typically 0.4–0.55. */
  carnotEfficiency: number;
  /** Controller and pumps when the compressor is off, kW. */
  standbyKw: number;
}

export const typicalHeatPump: HeatPumpSpec = {
  thermalPowerKw: 8,
  heatLossKwPerK: 0.25,
  heatingLimitC: 15,
  nightSetbackK: 2,
  hotWaterKwhPerDay: 6,
  carnotEfficiency: 0.5,
  standbyKw: 0.01,
};

export interface HeatPumpOperation {
  /** Electrical power drawn, kW (≥ 0). */
  electricKw: number;
  /** Heat delivered for space heating and hot water, kW. */
  heatKw: number;
  spaceHeatKw: number;
  hotWaterHeatKw: number;
  /** The heating circuit's flow temperature from the heating curve. */
  flowTemperatureC: number;
}

const HOT_WATER_FLOW_C = 55;
const MIN_FLOW_C = 28;
const MAX_FLOW_C = 55;
const HEAT_EXCHANGER_APPROACH_K = 5;
const MIN_COP = 1;
const MAX_COP = 7;
const KELVIN = 273.15;
const HOT_WATER_PEAKS = [7, 19.5] as const;
const HOT_WATER_PEAK_WIDTH_HOURS = 1;

/** The heating curve: water sent to the heating circuit, hotter when it is colder outside. */
export function flowTemperatureC(outdoorC: number): number {
  return Math.min(MAX_FLOW_C, Math.max(MIN_FLOW_C, MIN_FLOW_C + 0.75 * (20 - outdoorC)));
}

/** Coefficient of performance lifting heat from the outdoor air to water at `flowC`. */
export function heatPumpCop(spec: HeatPumpSpec, outdoorC: number, flowC: number): number {
  const condensingK = flowC + HEAT_EXCHANGER_APPROACH_K + KELVIN;
  const evaporatingK = outdoorC - HEAT_EXCHANGER_APPROACH_K + KELVIN;
  const liftK = condensingK - evaporatingK;
  const carnot = liftK > 0 ? condensingK / liftK : Number.POSITIVE_INFINITY;
  return Math.min(MAX_COP, Math.max(MIN_COP, spec.carnotEfficiency * carnot));
}

function isNight(localHour: number): boolean {
  return localHour >= 22 || localHour < 6;
}

/** Space-heating demand of the building in kW of heat, before the capacity limit. */
export function spaceHeatDemandKw(spec: HeatPumpSpec, outdoorC: number, localHour: number): number {
  const limitC = spec.heatingLimitC - (isNight(localHour) ? spec.nightSetbackK : 0);
  return spec.heatLossKwPerK * Math.max(0, limitC - outdoorC);
}

function hoursApart(hour: number, otherHour: number): number {
  const difference = Math.abs(hour - otherHour) % 24;
  return Math.min(difference, 24 - difference);
}

/** Hot-water heat in kW at a local hour; integrates to `hotWaterKwhPerDay` over a day. */
export function hotWaterDemandKw(spec: HeatPumpSpec, localHour: number): number {
  const width = HOT_WATER_PEAK_WIDTH_HOURS;
  const density = (peakHour: number) => {
    const distance = hoursApart(localHour, peakHour) / width;
    return Math.exp(-0.5 * distance * distance) / (width * Math.sqrt(2 * Math.PI));
  };
  const perPeakKwh = spec.hotWaterKwhPerDay / HOT_WATER_PEAKS.length;
  return HOT_WATER_PEAKS.reduce((sum, peakHour) => sum + perPeakKwh * density(peakHour), 0);
}

/**
 * What the heat pump does at an outdoor temperature and local hour. Hot water has priority;
 * space heating gets what is left of the capacity (no electric backup heater).
 */
export function operateHeatPump(
  spec: HeatPumpSpec,
  outdoorC: number,
  localHour: number,
): HeatPumpOperation {
  const hotWaterHeatKw = Math.min(spec.thermalPowerKw, hotWaterDemandKw(spec, localHour));
  const spaceHeatKw = Math.min(
    spec.thermalPowerKw - hotWaterHeatKw,
    spaceHeatDemandKw(spec, outdoorC, localHour),
  );
  const flowC = flowTemperatureC(outdoorC);
  const electricKw =
    spec.standbyKw +
    spaceHeatKw / heatPumpCop(spec, outdoorC, flowC) +
    hotWaterHeatKw / heatPumpCop(spec, outdoorC, HOT_WATER_FLOW_C);
  return {
    electricKw,
    heatKw: spaceHeatKw + hotWaterHeatKw,
    spaceHeatKw,
    hotWaterHeatKw,
    flowTemperatureC: flowC,
  };
}
