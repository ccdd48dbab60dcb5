using System.Security.Cryptography;

namespace Buquet.Actors.Runtime;

/// <summary>The default source of uniform random numbers in [0, 1) for jitter; tests inject a seeded one instead.</summary>
public static class Jitter
{
    /// <summary>Cryptographic randomness: no shared seed between processes started at the same instant.</summary>
    public static Func<double> Default { get; } = static () => RandomNumberGenerator.GetInt32(int.MaxValue) / (double)int.MaxValue;
}
