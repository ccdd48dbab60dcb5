// Benchmarks that print numbers; see docs/benchmarks.md.
using Buquet.Actors.Benchmarks;

if (args.Length > 0 && args[0] == "kernel")
{
    var memoryOnly = args.Length > 1 && args[1] == "memory";
    var idle = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 20_000;
    return await KernelBenchmarks.RunAsync(idle, memoryOnly);
}

Console.WriteLine("usage: dotnet run -c Release --project tests/Buquet.Actors.Benchmarks -- <suite>");
Console.WriteLine("suites: kernel | kernel memory <actors>");
return 0;
