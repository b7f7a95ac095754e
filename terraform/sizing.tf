# How big each function is and how its V8 heap follows from that. Locals only (no resource,
# no data source): the tests evaluate this file with `terraform console` and hold the
# NODE_OPTIONS it computes to functions/deploy/heap.ts.
locals {
  function_defaults = {
    # A job run stops itself FANPULSE_RUN_BUDGET_SECONDS in; the timeout is the backstop.
    # Job runs wait on APIs most of the time (I/O-bound): one vCPU serves several at once.
    # A push delivery that finds every slot busy is refused with 429 and counts as a delivery
    # attempt, so slots (max_instances x concurrency) must absorb a planner's fan-out.
    pubsub = { cpu = "1", timeout_seconds = 540, max_instances = 3, min_instances = 0, concurrency = 4 }
    # Kakao waits ~5 s for a skill answer, Messenger wants a quick 200.
    http = { cpu = "1", timeout_seconds = 60, max_instances = 10, min_instances = 0, concurrency = 20 }
  }

  # Defaults that differ per function; var.function_settings overrides both. Memory comes
  # from the deploy manifest (functions/deploy/manifest.ts: spotifyJobs, platformJobs and
  # chatbot 1Gi, the others 512Mi), which the benchmark runs the collectors with.
  function_builtin = {
    # 5 x 4 = 20 concurrent runs; they share one penalty box, so a 429 stops them all.
    spotifyJobs = { max_instances = 5 }
    # Instagram's hourly usage budget is per app and paced per instance: one run at a time.
    instagramJobs = { max_instances = 1, concurrency = 1 }
    platformJobs  = { max_instances = 1, concurrency = 1 }
    # 200 req/s: an answer from the index costs well under 1 ms of CPU, so one whole vCPU
    # serves 80 requests at a time (slow live searches wait without holding a core).
    chatbot = { cpu = "1", concurrency = 80, max_instances = 10, min_instances = var.chatbot_min_instances }
  }

  function_settings = {
    for k, f in local.functions : k => {
      for field, fallback in merge(local.function_defaults[f.kind], { memory = f.memory }) : field => try(coalesce(
        try(var.function_settings[k][field], null),
        try(local.function_builtin[k][field], null),
        fallback,
      ), null)
    }
  }

  # "512Mi" / "1Gi" in MiB (variables.tf accepts only these forms).
  function_memory_mib = {
    for k, s in local.function_settings : k => (
      endswith(s.memory, "Gi") ? tonumber(trimsuffix(s.memory, "Gi")) * 1024 : tonumber(trimsuffix(s.memory, "Mi"))
    )
  }

  # NODE_OPTIONS of the functions the manifest gives heap flags (the job functions), from the
  # memory they get here, by the manifest's policy (functions/deploy/heap.ts): the old space
  # capped at a share of the memory, the young generation at a few MiB, so that peak memory
  # follows what a run keeps alive rather than how fast it allocates.
  function_node_options = {
    for k, f in local.functions : k => format(
      "--max-old-space-size=%d --max-semi-space-size=%d",
      floor(local.function_memory_mib[k] * local.deploy.heap.old_space_percent / 100),
      local.deploy.heap.semi_space_mib,
    ) if f.node_options != null
  }
}
