# %% tags=["parameters"]
# Parameters: the build (reports/briefings.yml) overrides these.
title = "China's industrial internet: the whole portfolio"
policies = "all"  # "all", or a list of policy ids from data/policies.csv
as_of = "2026-11-29"  # the date the status of each target is computed for (YYYY-MM-DD)
language = "en"  # policy names in "en", "zh" or "both"
due_window_months = 12  # a target is "due soon" when its deadline is within this many months
data_dir = None  # None: the project's data/
figures_dir = None  # where the build saves the charts; None: not saved
compare_to = None  # a facts.json from an earlier build to compare with; None: this briefing's last build
previous_facts = None  # set by the build: the last build's facts.json
previous_figures = None  # set by the build: the last build's charts (unchanged ones are copied, not drawn)
facts_file = None  # set by the build: where this briefing's facts.json goes
editions_dir = None  # set by the build: the published editions (reports/<id>/editions)

# %%
from analysis.report import Briefing
from analysis.report.overview import by_year, money_by_period

b = Briefing(title=title, policies=policies, as_of=as_of, language=language,
             due_window_months=due_window_months, data_dir=data_dir, figures_dir=figures_dir,
             previous_figures=previous_figures, compare_to=compare_to, previous_facts=previous_facts,
             facts_file=facts_file, editions_dir=editions_dir)

# %%
b.since()

# %% [markdown]
# ## Key figures
#
# Every policy, target and amount on record, and where the targets stand on the briefing date.

# %%
b.key_figures()

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
