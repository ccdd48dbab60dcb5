Console.WriteLine("buquet");
