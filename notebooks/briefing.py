# %% tags=["parameters"]
# Parameters: the build (reports/briefings.yml) overrides these.
title = "China's industrial internet: targets and progress"
policies = "all"  # "all", a list of policy ids from data/policies.csv, or {"topic": "5g"}
as_of = "2026-11-29"  # the date the status of each target is computed for (YYYY-MM-DD)
language = "en"  # the page: "en", "zh" (Chinese), or "both" (English with the Chinese names)
due_window_months = 12  # a target is "due soon" when its deadline is within this many months
compare_to = None  # a facts.json (or its folder) to compare with; None: the last edition, else the last build
base_url = ""  # the published site's address (https://.../): the citation names the page there; "": unpublished
context = None  # set by the build: where the data and the saved files are; None: data/, nothing saved

# %%
from analysis.report import Briefing

b = Briefing(title=title, policies=policies, as_of=as_of, language=language,
             due_window_months=due_window_months, compare_to=compare_to, context=context)

# %% [markdown]
# ## Key figures
#
# What the selected policies promise and where each promise stands on the briefing date. Every figure
# below cites its source by number; the sources are listed at the end with their reliability grades.

# %%
b.key_figures()

# %%
b.since()

# %% [markdown]
# ## Timeline
#
# For one policy, each lane is a target: the bar runs from the issue date to the deadline, the dots are
# the figures reported for it, and the marker at the deadline is its status on the briefing date. For
# several policies, each lane is a policy: the bar is its stated period, the tick its issue date, each
# marker one target at its deadline. Deadlines far off sit in a column of their own at the right. On screen,
# a marker shows its target, status and latest figure when the pointer rests on it; the Targets table below
# gives the same for every target.

# %%
b.timeline()

# %% [markdown]
# ## Policies

# %%
b.policies_table()

# %% [markdown]
# ## Targets
#
# "What is known" gives the figure that decided the status and how it measures the target, any source that
# disagrees with it, the last known figure where none decided, an official claim, a later plan that
# restated the goal, a projection from the last figures, the last search for a result, and for open targets
# the trend so far. The status says how strong the deciding evidence is. A target with **no result found**
# is a gap in what is known, not proof of failure.

# %%
b.targets_table()

# %% [markdown]
# ## Lineage
#
# Targets that carry on, or replace, a target of an earlier plan on the same measure.

# %%
b.lineage()

# %% [markdown]
# ## Reported results
#
# Figures and statements reported under these policies that measure none of their targets.

# %%
b.reported_results()

# %% [markdown]
# ## Money
#
# Amounts as their sources state them. "Driven" is investment mobilised by a programme, not state
# spending; amounts of different kinds and periods should not be added up.

# %%
b.investments_chart()

# %%
b.investments_table()

# %% [markdown]
# ## Progress
#
# Reported figures against the targets they measure.

# %%
b.progress_chart()

# %% [markdown]
# ## How status is decided

# %%
b.status_rules()

# %% [markdown]
# ## Search log
#
# Every recorded search for a result, for the targets above: the appendix behind "Searched" in the
# targets table.

# %%
b.search_log()

# %% [markdown]
# ## Sources

# %%
b.sources()
