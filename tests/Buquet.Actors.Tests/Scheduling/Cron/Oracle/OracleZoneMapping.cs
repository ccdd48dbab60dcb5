namespace Buquet.Actors.Tests.Scheduling.Cron.Oracle;

/// <summary>
/// The pre-Cronos mapping of a zone's wall-clock time to the instant a slot fires (ADR 0006, Decision 3), kept
/// unchanged as part of the test oracle (<see cref="OracleCronEvaluator"/>).
/// </summary>
internal static class OracleZoneMapping
{
    /// <summary>Longest gap searched for (Samoa skipped a whole day in 2011).</summary>
    private static readonly TimeSpan MaxGap = TimeSpan.FromHours(48);

    public static DateTimeOffset ToInstant(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            // Spring-forward gap: the first valid wall-clock minute after the gap is the transition instant.
            var probe = local;
            var limit = local + MaxGap;
            do
            {
                probe = probe.AddMinutes(1);
                if (probe > limit)
                {
                    throw new InvalidOperationException(
                        $"Time zone \"{zone.Id}\" has no valid time within {MaxGap.TotalHours} h after {local:yyyy-MM-dd HH:mm}.");
                }
            }
            while (zone.IsInvalidTime(probe));

            return ToInstant(probe, zone);
        }

        if (zone.IsAmbiguousTime(local))
        {
            // Fall-back overlap: the first occurrence is the one with the larger offset (summer time).
            var offsets = zone.GetAmbiguousTimeOffsets(local);
            return new DateTimeOffset(local, offsets.Max());
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}
