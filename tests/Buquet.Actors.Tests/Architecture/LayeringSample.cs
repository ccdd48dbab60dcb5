// Two tiny "folders" for LayeringTests' tests of the test: each type of Lower uses Upper.Target only in one
// hidden place (a method body, a lambda, a generic argument, an attribute), so a reader that missed that place
// would report nothing.
namespace Buquet.Actors.Tests.Architecture.Sample.Upper
{
    public sealed class Target : Attribute
    {
        public override string ToString() => nameof(Target);
    }
}

namespace Buquet.Actors.Tests.Architecture.Sample.Lower
{
    using Buquet.Actors.Tests.Architecture.Sample.Upper;

    public static class BodyOnly
    {
        public static string Describe() => new Target().ToString();
    }

    public static class LambdaOnly
    {
        public static Func<string> Describe() => () => new Target().ToString();
    }

    public static class GenericArgumentOnly
    {
        public static int Count() => new List<Target>().Count;
    }

    [Target]
    public static class AttributeOnly;
}
