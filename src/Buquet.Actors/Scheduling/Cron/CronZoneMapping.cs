namespace Buquet.Actors.Scheduling.Cron;

/// <summary>Maps a wall-clock time of a zone to the instant a slot fires, with the DST rules of ADR 0006.</summary>
internal static class CronZoneMapping
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
