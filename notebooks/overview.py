# %% tags=["parameters"]
# Parameters: the build (reports/briefings.yml) overrides these.
title = "China's industrial internet: the whole portfolio"
policies = "all"  # "all", a list of policy ids from data/policies.csv, or {"topic": "5g"}
as_of = "2026-11-29"  # the date the status of each target is computed for (YYYY-MM-DD)
language = "en"  # the page: "en", "zh" (Chinese), or "both" (English with the Chinese names)
due_window_months = 12  # a target is "due soon" when its deadline is within this many months
compare_to = None  # a facts.json (or its folder) to compare with; None: the last edition, else the last build
base_url = ""  # the published site's address (https://.../): the citation names the page there; "": unpublished
context = None  # set by the build: where the data and the saved files are; None: data/, nothing saved

# %%
from analysis.report import Briefing
from analysis.report.overview import all_targets, money_by_period, open_promises, results_by_measure

b = Briefing(title=title, policies=policies, as_of=as_of, language=language,
             due_window_months=due_window_months, compare_to=compare_to, context=context)

# %% [markdown]
# ## Key figures
#
# Every policy, target and amount on record, and where the targets stand on the briefing date. Each
# policy's own briefing has what is known about each of its targets, with the sources.

# %%
b.key_figures()

# %%
open_promises(b)

# %%
b.since()

# %% [markdown]
# ## Status by policy
#
# Each policy, in the order issued, with its targets by where they stand, then each target by its short
# name: what it promises, by when, and its status. A target with **no result found** is a gap in what is
# known, not proof of failure. Each policy's briefing (linked) has what is known about each target, with
# the sources; how each status is decided is set out at the end of every briefing.

# %%
all_targets(b)

# %% [markdown]
# ## Timeline

# %%
b.timeline()

# %% [markdown]
# ## Money by period
#
# Every amount on record, by the period it covers. Kinds differ (spending, investment driven,
# subsidies, pledges): compare within a kind.

# %%
b.investments_chart()

# %%
money_by_period(b)

# %% [markdown]
# ## Reported results
#
# Figures that measure no target in the data, one row per measure with its latest figure.

# %%
results_by_measure(b)

# %% [markdown]
# ## Sources

# %%
b.sources()
