# Extra analysis for the 5G briefing, spliced into briefing.ipynb by the build after the section named in
# each cell's header (docs/analysts-guide.md, "Extra analysis"). `b` is the briefing.

# %% [markdown] after="progress"
# ### 5G factories, figure by figure
#
# Every count of 5G factories on record for the targets above, oldest first, whichever plan it was
# reported under: the goals change from plan to plan, the measure stays.

# %%
import pandas as pd

o = b.ds.outcomes
factories = o[o["unit"].eq("factories") & o["target_id"].isin(b.targets["id"]) & o["value"].notna()]
factories = factories.assign(when=factories["refers_to"].fillna(factories["reported"])).sort_values(["when", "id"])
factories = factories.drop_duplicates(["metric", "value", "when", "source_id"])  # one figure linked to two targets
b.table(pd.DataFrame({
    "Measure": factories["metric"],
    "Figure": [f"{q.replace('-', ' ') + ' ' if q in ('more-than', 'about', 'at-least') else ''}{v:,.0f}"
               for q, v in zip(factories["qualifier"].fillna(""), factories["value"], strict=True)],
    "For": factories["when"].dt.strftime("%Y-%m"),
    "source_id": factories["source_id"],
}), sources="source_id")
