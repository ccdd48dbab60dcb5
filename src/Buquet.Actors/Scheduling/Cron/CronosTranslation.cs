using System.Globalization;
using System.Text;

namespace Buquet.Actors.Scheduling.Cron;

/// <summary>
/// Turns the field bit sets of a validated buquet expression into a Cronos 0.13.0 expression (5-field
/// <c>CronFormat.Standard</c>) that matches exactly the same wall-clock minutes.
/// </summary>
/// <remarks>
/// Every field is written as an explicit list of values (<c>0,15,30,45</c>), never as <c>*</c>, a range or a step,
/// so nothing of buquet's dialect is left for Cronos to interpret differently: our parser already resolved names,
/// <c>?</c>, <c>n/s</c> (n..max every s) and ranges. Day-of-week is shifted by one: buquet numbers Sunday = 1 …
/// Saturday = 7, Cronos Sunday = 0 … Saturday = 6. Day-of-month and day-of-week are intersected (AND) by Cronos as by
/// buquet, so both lists go over unchanged.
/// </remarks>
internal static class CronosTranslation
{
    /// <summary>Writes the Cronos text for the masks of minute, hour, day-of-month, month and day-of-week.</summary>
    public static string ToCronosText(IReadOnlyList<ulong> masks)
    {
        var text = new StringBuilder(256);
        for (var i = 0; i < CronFieldSpec.All.Count; i++)
        {
            var spec = CronFieldSpec.All[i];
            var shift = spec == CronFieldSpec.DayOfWeek ? 1 : 0;
            if (i > 0)
            {
                text.Append(' ');
            }

            var first = true;
            for (var v = spec.Min; v <= spec.Max; v++)
            {
                if ((masks[i] & (1UL << v)) == 0)
                {
                    continue;
                }

                if (!first)
                {
                    text.Append(',');
                }

                text.Append((v - shift).ToString(CultureInfo.InvariantCulture));
                first = false;
            }
        }

        return text.ToString();
    }
}
