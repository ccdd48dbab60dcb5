namespace Buquet.Actors.Scheduling.Cron;

/// <summary>Resolves the optional IANA time zone of a schedule.</summary>
public static class CronTimeZone
{
    /// <summary>
    /// Resolves an IANA time zone id such as <c>Europe/Berlin</c>; <c>null</c>, empty, <c>UTC</c> and
    /// <c>Etc/UTC</c> give UTC (what buquet peers use).
    /// </summary>
    /// <param name="ianaId">The IANA id, or <c>null</c>.</param>
    /// <returns>The zone.</returns>
    /// <exception cref="ArgumentException">The id is unknown on this machine (the message names it).</exception>
    /// <remarks>Ids come from the system time zone database (tzdata on Linux). The library runs with
    /// InvariantGlobalization, which does not affect IANA ids but means Windows ids are not converted.</remarks>
    public static TimeZoneInfo Resolve(string? ianaId)
    {
        if (string.IsNullOrWhiteSpace(ianaId)
            || ianaId.Equals("UTC", StringComparison.OrdinalIgnoreCase)
            || ianaId.Equals("Etc/UTC", StringComparison.OrdinalIgnoreCase))
        {
            return TimeZoneInfo.Utc;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(ianaId);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ArgumentException(
                $"Unknown time zone \"{ianaId}\": expected an IANA id such as \"Europe/Berlin\" or \"America/New_York\" "
                + "(the system time zone database, tzdata, must be installed).",
                nameof(ianaId),
                e);
        }
    }
}
