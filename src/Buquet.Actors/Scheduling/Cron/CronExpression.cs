using CronosExpression = Cronos.CronExpression;
using CronosFormat = Cronos.CronFormat;

namespace Buquet.Actors.Scheduling.Cron;

/// <summary>
/// A 5-field cron expression (<c>minute hour day-of-month month day-of-week</c>) with exactly the semantics buquet
/// peers use: the Rust <c>cron</c> crate 0.15 (Quartz flavour) evaluating <c>"0 " + expression</c>.
/// </summary>
/// <remarks>
/// <para>Differences from Vixie cron (crontab): day-of-week is 1-7 with Sunday = 1 (0 is rejected, 7 is Saturday);
/// when both day-of-month and day-of-week are restricted a day must match <b>both</b> (AND, not OR); <c>?</c> is
/// accepted in the two day fields and means <c>*</c>; ranges never wrap around; a step is 1..field maximum;
/// <c>n/s</c> means n..max every s; <c>L</c>, <c>W</c>, <c>#</c> and <c>@daily</c>-style shorthands are rejected
/// (buquet peers reject them too). Names are case-insensitive: SUN-SAT (also SUNDAY, TUES, THURS …) and
/// JAN-DEC (also JANUARY …). Occurrences run through the year 2100, like the crate.</para>
/// <para>Occurrences are whole minutes. See <see cref="GetNextOccurrence"/> for time zones and DST.</para>
/// <para>This class parses and validates the buquet dialect; the occurrences are computed by the Cronos package on a
/// translated expression (explicit value lists, day-of-week shifted to Sunday = 0), with the rules where buquet and
/// Cronos differ (the repeated fall-back hour, years after 2100) applied around it (ADR 0006, Decision 6).</para>
/// </remarks>
public sealed partial class CronExpression
{
    /// <summary>The last year in which occurrences are produced (the crate's year range ends in 2100).</summary>
    internal const int MaxYear = 2100;

    private readonly CronosExpression _cronos;

    private CronExpression(string text, ulong[] masks)
    {
        Text = text;
        CronosText = CronosTranslation.ToCronosText(masks);
        _cronos = CronosExpression.Parse(CronosText, CronosFormat.Standard);
    }

    /// <summary>The expression as given.</summary>
    public string Text { get; }

    /// <summary>The translated expression Cronos evaluates (explicit value lists, day-of-week 0-6).</summary>
    internal string CronosText { get; }

    /// <summary>Parses a 5-field expression.</summary>
    /// <param name="expression">For example <c>"0 9 * * MON-FRI"</c> (09:00 Monday to Friday).</param>
    /// <returns>The parsed expression.</returns>
    /// <exception cref="CronFormatException">The expression is not valid for buquet peers; the message names
    /// the field at fault.</exception>
    public static CronExpression Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var quoted = $"\"{expression}\"";
        var trimmed = expression.Trim();
        if (trimmed.StartsWith('@'))
        {
            throw new CronFormatException(
                expression,
                $"{quoted}: shorthands like @daily are not supported by buquet peers; write the 5 fields, e.g. \"0 0 * * *\"");
        }

        var fields = trimmed.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != CronFieldSpec.All.Count)
        {
            throw new CronFormatException(
                expression,
                $"{quoted}: expected 5 fields (minute hour day-of-month month day-of-week) but found {fields.Length}"
                + (fields.Length is 6 or 7 ? "; buquet stores 5 fields and adds the seconds itself" : string.Empty));
        }

        var masks = new ulong[fields.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            var spec = CronFieldSpec.All[i];
            try
            {
                masks[i] = CronFieldParser.Parse(fields[i], spec);
            }
            catch (CronFieldError error)
            {
                var detail = error.Token == fields[i]
                    ? $"{spec.Name} field \"{fields[i]}\" {error.Problem}"
                    : $"{spec.Name} field \"{fields[i]}\": \"{error.Token}\" {error.Problem}";
                throw new CronFormatException(expression, i, spec.Name, fields[i], $"{quoted}: {detail}");
            }
        }

        return new CronExpression(expression, masks);
    }

    /// <summary>Parses without throwing.</summary>
    /// <param name="expression">The expression.</param>
    /// <param name="result">The parsed expression, or <c>null</c>.</param>
    /// <param name="error">The same message <see cref="Parse"/> would throw, or <c>null</c>.</param>
    /// <returns>Whether the expression is valid.</returns>
    public static bool TryParse(string? expression, out CronExpression? result, out string? error)
    {
        if (expression is null)
        {
            (result, error) = (null, "The cron expression is missing.");
            return false;
        }

        try
        {
            result = Parse(expression);
            error = null;
            return true;
        }
        catch (CronFormatException e)
        {
            (result, error) = (null, e.Message);
            return false;
        }
    }

    /// <inheritdoc />
    public override string ToString() => Text;
}
