using System.Globalization;

namespace Buquet.Host.Bench;

/// <summary>Memory and CPU of a process from /proc (Linux); zeros elsewhere or after the process exited.</summary>
internal sealed record ProcessStats(double RssMb, double PeakRssMb, double CpuSeconds)
{
    public static ProcessStats Zero { get; } = new(0, 0, 0);

    public static ProcessStats Read(int pid)
    {
        try
        {
            double rss = 0, peak = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kb(line);
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    peak = Kb(line);
                }
            }

            // Fields after the ")" that ends the command name: state is field 3, utime 14, stime 15 (clock ticks, 100/s).
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return new ProcessStats(rss / 1024, peak / 1024, ticks / 100.0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return Zero;
        }
    }

    private static double Kb(string line) =>
        double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
