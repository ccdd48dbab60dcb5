using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;

namespace Buquet.Actors.Schemas;

/// <summary>
/// The <c>format</c> checks that replace JsonSchema.Net's regex-based ones for evaluation (<see cref="Registry"/>;
/// other formats fall back to the library's global registry).
/// <para>
/// Why: JsonSchema.Net 8.0.5 checks <c>date-time</c>, <c>email</c>, <c>idn-email</c>, <c>hostname</c> and
/// <c>idn-hostname</c> with backtracking regexes that carry a 250 ms match timeout (read from the compiled regexes),
/// and a timeout counts as "does not match". On a loaded machine a valid value (<c>a@b.example</c>, seen in a test
/// run at load average 30+) was reported invalid, and with <c>validate-input</c> that fails a task for good. These
/// checks use <see cref="RegexOptions.NonBacktracking"/> (linear in the input, so no timeout is needed and none can
/// fire) and <see cref="IdnMapping"/>, and accept and refuse what the library does for the cases it documents.
/// </para>
/// </summary>
internal static partial class SchemaFormats
{
    private const int MaxHostnameLength = 253;

    /// <summary>Formats for <see cref="EvaluationOptions.FormatRegistry"/>: these five here, the rest from the library.</summary>
    public static FormatRegistry Registry { get; } = Build();

    /// <summary>RFC 3339 <c>date-time</c>: calendar ranges checked; a leap second only at 23:59:60 UTC.</summary>
    public static bool IsDateTime(string value)
    {
        var m = DateTimePattern().Match(value);
        if (!m.Success)
        {
            return false;
        }

        int N(string group) => int.Parse(m.Groups[group].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);
        var (year, month, day, hour, minute, second) = (N("y"), N("mo"), N("d"), N("h"), N("mi"), N("s"));
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year == 0 ? 2000 : year, month) || hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }

        var offsetMinutes = 0;
        if (m.Groups["oh"].Success)
        {
            var (oh, om) = (N("oh"), N("om"));
            if (oh > 23 || om > 59)
            {
                return false;
            }

            offsetMinutes = (m.Groups["sign"].ValueSpan[0] == '-' ? -1 : 1) * ((oh * 60) + om);
        }

        // A leap second exists only as the last second of a UTC day.
        return second < 60 || (((hour * 60) + minute - offsetMinutes) % 1440 + 1440) % 1440 == (23 * 60) + 59;
    }

    /// <summary>RFC 1123 <c>hostname</c>: labels of letters, digits and inner hyphens, 1–63 long, 253 in all.</summary>
    public static bool IsHostname(string value) => value.Length <= MaxHostnameLength && HostnamePattern().IsMatch(value);

    /// <summary><c>idn-hostname</c>: its ASCII (punycode) form is a <c>hostname</c>.</summary>
    public static bool IsIdnHostname(string value) => ToAscii(value) is { } ascii && IsHostname(ascii);

    /// <summary>RFC 5321 <c>email</c>: dot-atom or quoted local part; a domain name with a letter TLD, or an IP literal.</summary>
    public static bool IsEmail(string value) =>
        SplitAddress(value) is var (local, domain) && LocalPartPattern().IsMatch(local) && IsMailDomain(domain);

    /// <summary>RFC 6531 <c>idn-email</c>: a local part of any non-space characters, and a domain whose ASCII form is a dotted hostname.</summary>
    public static bool IsIdnEmail(string value) =>
        SplitAddress(value) is var (local, domain)
        && (LocalPartPattern().IsMatch(local) || IdnLocalPartPattern().IsMatch(local))
        && (domain.StartsWith('[') ? IsMailDomain(domain) : ToAscii(domain) is { } ascii && IsHostname(ascii) && ascii.Contains('.', StringComparison.Ordinal));

    private static FormatRegistry Build()
    {
        var registry = new FormatRegistry();
        registry.Register(new PredicateFormat("date-time", e => Check(e, IsDateTime)));
        registry.Register(new PredicateFormat("email", e => Check(e, IsEmail)));
        registry.Register(new PredicateFormat("idn-email", e => Check(e, IsIdnEmail)));
        registry.Register(new PredicateFormat("hostname", e => Check(e, IsHostname)));
        registry.Register(new PredicateFormat("idn-hostname", e => Check(e, IsIdnHostname)));
        return registry;
    }

    // Formats apply to strings only; any other JSON type passes (JSON Schema validation spec, "format" vocabulary).
    private static bool Check(JsonElement e, Func<string, bool> check) => e.ValueKind != JsonValueKind.String || check(e.GetString()!);

    private static (string Local, string Domain)? SplitAddress(string value)
    {
        var at = value.LastIndexOf('@');
        return at is <= 0 || at == value.Length - 1 ? null : (value[..at], value[(at + 1)..]);
    }

    private static bool IsMailDomain(string domain)
    {
        if (domain.StartsWith('[') && domain.EndsWith(']'))
        {
            var literal = domain[1..^1];
            return literal.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase)
                ? IPAddress.TryParse(literal[5..], out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6
                : Ipv4Pattern().IsMatch(literal) && IPAddress.TryParse(literal, out _);
        }

        return domain.Length <= MaxHostnameLength && MailDomainPattern().IsMatch(domain);
    }

    private static string? ToAscii(string value)
    {
        try
        {
            return new IdnMapping { UseStd3AsciiRules = true }.GetAscii(value);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"^(?<y>[0-9]{4})-(?<mo>[0-9]{2})-(?<d>[0-9]{2})[Tt](?<h>[0-9]{2}):(?<mi>[0-9]{2}):(?<s>[0-9]{2})(\.[0-9]+)?([Zz]|(?<sign>[+-])(?<oh>[0-9]{2}):(?<om>[0-9]{2}))$", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex DateTimePattern();

    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex HostnamePattern();

    [GeneratedRegex(@"^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex MailDomainPattern();

    [GeneratedRegex("""^([-!#$%&'*+/=?^`{}|~A-Za-z0-9_]+(\.[-!#$%&'*+/=?^`{}|~A-Za-z0-9_]+)*|"([^"\\\r\n]|\\.)+")$""", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex LocalPartPattern();

    [GeneratedRegex(@"^[^\s@""\\]+$", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex IdnLocalPartPattern();

    [GeneratedRegex(@"^[0-9]{1,3}(\.[0-9]{1,3}){3}$", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex Ipv4Pattern();
}
