-- Argo CD health check for modelkeeper.io/ModelDeployment.
--
-- Without it Argo CD shows every ModelDeployment as Healthy, a rolled-back model included.
-- Install it in argocd-cm under
--   resource.customizations.health.modelkeeper.io_ModelDeployment
-- (see docs/gitops.md). Argo CD hands the object in as `obj` and reads `status` and `message`
-- of the table returned. Every field is optional here: an older or newer operator, or no
-- operator at all, must never make the script fail.
--
--   Progressing  the operator has not reported this generation yet; a version is starting;
--                a canary runs, is promoted or is being removed
--   Suspended    a canary is paused (spec.rollout.paused), or spec.serving.replicas is 0
--   Degraded     Degraded=True or Stalled=True, phase Degraded or Failed, or the spec still
--                names a model that was rolled back or failed and will not be retried
--   Healthy      Ready=True and phase Ready: the version the spec names serves

local function get(value, ...)
  for _, key in ipairs({...}) do
    if type(value) ~= "table" then
      return nil
    end
    value = value[key]
  end
  return value
end

local function text(value)
  if value == nil or type(value) == "table" or type(value) == "userdata" then
    return ""
  end
  return tostring(value)
end

local function condition(status, name)
  local conditions = get(status, "conditions")
  if type(conditions) ~= "table" then
    return nil
  end
  for _, c in ipairs(conditions) do
    if type(c) == "table" and c.type == name then
      return c
    end
  end
  return nil
end

local function isTrue(c)
  return type(c) == "table" and c.status == "True"
end

-- "Reason: message", or whichever of the two is there.
local function explain(c)
  local reason = text(get(c, "reason"))
  local message = text(get(c, "message"))
  if reason ~= "" and message ~= "" then
    return reason .. ": " .. message
  end
  return reason .. message
end

local function result(status, message)
  return {status = status, message = message}
end

local function canaryMessage(canary, phase, spec)
  local version = text(get(canary, "version"))
  local words = "Canary version " .. (version ~= "" and version or "?")
  if phase == "Promoting" or get(canary, "analysis", "decision") == "Promote" then
    words = words .. " is being promoted"
  else
    local step = tonumber(get(canary, "step"))
    local steps = get(spec, "rollout", "steps")
    if step ~= nil then
      words = words .. " at step " .. string.format("%d", step + 1)
      if type(steps) == "table" and #steps > 0 then
        words = words .. " of " .. #steps
      end
    end
    local weight = tonumber(get(canary, "weight"))
    local requested = tonumber(get(canary, "requestedWeight"))
    if weight ~= nil then
      words = words .. " with " .. string.format("%d", weight) .. "% of traffic"
      if requested ~= nil and requested ~= weight then
        words = words .. " (the step asks " .. string.format("%d", requested) .. "%)"
      end
    end
  end
  local decision = text(get(canary, "analysis", "decision"))
  local reason = text(get(canary, "analysis", "reason"))
  if decision ~= "" or reason ~= "" then
    words = words .. "; last analysis " .. decision
    if reason ~= "" then
      words = words .. ": " .. reason
    end
  end
  return words
end

-- The spec still names the model of status.rejected, whose rollout ended RolledBack or Failed.
local function rejectedByName(status, spec)
  local rejected = get(status, "rejected")
  if type(rejected) ~= "table" then
    return nil
  end
  local history = get(status, "history")
  if type(history) ~= "table" or #history == 0 then
    return nil
  end
  local newest = history[#history]
  local outcome = get(newest, "result")
  if outcome ~= "RolledBack" and outcome ~= "Failed" then
    return nil
  end
  local wanted = get(spec, "model", "version")
  if wanted ~= nil and rejected.version ~= nil and wanted ~= rejected.version then
    return nil
  end
  local wantedUri = get(spec, "model", "uri")
  if wantedUri ~= nil and rejected.uri ~= nil and wantedUri ~= rejected.uri then
    return nil
  end
  local words = "Version " .. text(rejected.version)
  if outcome == "Failed" then
    words = words .. " failed its rollout"
  else
    words = words .. " was rolled back"
  end
  local reason = text(get(newest, "reason"))
  if reason ~= "" then
    words = words .. ": " .. reason
  end
  local serving = text(get(status, "stable", "version"))
  if serving ~= "" then
    words = words .. "; version " .. serving .. " keeps serving"
  end
  return words .. ". It is not tried again until spec.model changes."
end

local function health(obj)
  local status = get(obj, "status")
  local spec = get(obj, "spec")
  if type(status) ~= "table" or next(status) == nil then
    return result("Progressing", "Waiting for the operator to report a status")
  end

  local generation = tonumber(get(obj, "metadata", "generation"))
  local observed = tonumber(get(status, "observedGeneration"))
  if generation ~= nil and (observed == nil or observed < generation) then
    return result(
      "Progressing",
      "Waiting for the operator to observe generation " .. string.format("%d", generation)
        .. (observed ~= nil and (" (status is of generation " .. string.format("%d", observed) .. ")") or ""))
  end

  local phase = text(get(status, "phase"))
  local ready = condition(status, "Ready")
  local degraded = condition(status, "Degraded")
  local stalled = condition(status, "Stalled")
  local reconciling = condition(status, "Reconciling")
  local canary = get(status, "canary")
  if type(canary) ~= "table" then
    canary = nil
  end

  if isTrue(stalled) then
    return result("Degraded", explain(stalled))
  end
  if isTrue(degraded) then
    local prefix = phase == "Failed" and "Nothing serves: " or ""
    return result("Degraded", prefix .. explain(degraded))
  end
  if phase == "Degraded" or phase == "Failed" then
    local why = explain(ready)
    return result("Degraded", "Phase " .. phase .. (why ~= "" and (": " .. why) or ""))
  end
  local rejected = rejectedByName(status, spec)
  if rejected ~= nil then
    return result("Degraded", rejected)
  end

  if canary ~= nil and get(spec, "rollout", "paused") == true then
    return result("Suspended", "Paused by spec.rollout.paused: " .. canaryMessage(canary, phase, spec))
  end
  if canary ~= nil then
    return result("Progressing", canaryMessage(canary, phase, spec))
  end
  if phase == "Progressing" or phase == "Promoting" or phase == "RollingBack" or isTrue(reconciling) then
    local why = explain(reconciling)
    if why == "" or not isTrue(reconciling) then
      why = explain(condition(status, "Progressing"))
    end
    return result("Progressing", why ~= "" and why or ("Phase " .. phase))
  end

  if isTrue(ready) and phase == "Ready" then
    local message = text(get(ready, "message"))
    if message == "" then
      message = "Serving version " .. text(get(status, "stable", "version"))
    end
    return result("Healthy", message)
  end
  if get(ready, "reason") == "ScaledToZero" then
    return result("Suspended", explain(ready))
  end
  local why = explain(ready)
  return result("Progressing", why ~= "" and why or ("Phase " .. (phase ~= "" and phase or "unknown")))
end

return health(obj)
