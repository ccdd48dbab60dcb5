// Benchmarks that print numbers; see docs/benchmarks.md.
using Buquet.Actors.Benchmarks;

if (args.Length > 0 && args[0] == "kernel")
{
    return await KernelBenchmarks.RunAsync();
}

Console.WriteLine("usage: dotnet run -c Release --project tests/Buquet.Actors.Benchmarks -- <suite>");
Console.WriteLine("suites: kernel");
return 0;
