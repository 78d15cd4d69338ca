namespace CirrusSimulator.Simulation;

/// <summary>
/// Relative arrival intensity over a local day, 0..1: quiet at night, a morning peak around 10:30,
/// a second one mid-afternoon and a smaller evening bump.
/// </summary>
internal static class DailyCurve
{
    private static readonly double PeakRaw = Enumerable.Range(0, 24 * 60).Max(minute => Raw(minute / 60.0));

    public static double At(double localHour) => Raw(localHour) / PeakRaw;

    private static double Raw(double hour) =>
        0.06 + Bump(hour, 10.5, 1.8) + 0.85 * Bump(hour, 15, 2.0) + 0.35 * Bump(hour, 20, 1.5);

    private static double Bump(double hour, double centre, double width) =>
        Math.Exp(-0.5 * Math.Pow((hour - centre) / width, 2));
}
