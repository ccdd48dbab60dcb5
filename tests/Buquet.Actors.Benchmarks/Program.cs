// Benchmarks that print numbers; see docs/benchmarks.md.
Console.WriteLine("usage: dotnet run -c Release --project tests/Buquet.Actors.Benchmarks -- <suite>");
return 0;
