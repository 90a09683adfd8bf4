# %% tags=["parameters"]
# Parameters: the build (reports/briefings.yml) overrides these.
title = "China's industrial internet: the whole portfolio"
policies = "all"  # "all", a list of policy ids from data/policies.csv, or {"topic": "5g"}
as_of = "2026-11-29"  # the date the status of each target is computed for (YYYY-MM-DD)
language = "en"  # policy names in "en", "zh" or "both"
due_window_months = 12  # a target is "due soon" when its deadline is within this many months
compare_to = None  # a facts.json (or its folder) to compare with; None: the last edition, else the last build
context = None  # set by the build: where the data and the saved files are; None: data/, nothing saved

# %%
from analysis.report import Briefing
from analysis.report.overview import by_year, money_by_period

b = Briefing(title=title, policies=policies, as_of=as_of, language=language,
             due_window_months=due_window_months, compare_to=compare_to, context=context)

# %% [markdown]
# ## Key figures
#
# Every policy, target and amount on record, and where the targets stand on the briefing date.

# %%
b.key_figures()

# %%
b.since()

# %% [markdown]
# ## Targets by year and status
#
# How many targets fall due each year, by their status on the briefing date.

# %%
by_year(b)

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
# ## Progress

# %%
b.progress_chart()

# %% [markdown]
# ## Lineage
#
# Targets that carry on, or replace, a target of an earlier plan on the same measure.

# %%
b.lineage()

# %% [markdown]
# ## Reported results
#
# Figures and statements that measure no target in the data.

# %%
b.reported_results()

# %% [markdown]
# ## How status is decided

# %%
b.status_rules()

# %% [markdown]
# ## Sources

# %%
b.sources()
