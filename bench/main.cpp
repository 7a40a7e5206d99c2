#include <iostream>

#include "bench/bench.hpp"

int main(int argc, char** argv) {
  using namespace auralis::bench;
  CLI::App app{"auralis-bench: measures the engine; each subcommand ends with one JSON line"};
  app.require_subcommand(1);
  bench_options opts;
  app.add_option("--data-dir", opts.data_dir, "scratch folder for demo audio")
    ->capture_default_str();
  app.add_option("--seed", opts.seed, "seed for anything random")->capture_default_str();
  app.add_option("--only", opts.only,
                 "run only the named part of a benchmark (replay: one scenario)");
  const benchmark* chosen = nullptr;
  for (const auto& b : all_benchmarks()) {
    auto* sub = app.add_subcommand(b.name, b.description);
    sub->callback([&chosen, &b] { chosen = &b; });
  }
  CLI11_PARSE(app, argc, argv);
  if (!chosen)
    return 2;
  try {
    return chosen->run(opts);
  } catch (const std::exception& e) {
    std::cerr << "auralis-bench " << chosen->name << ": " << e.what() << "\n";
    return 1;
  }
}
