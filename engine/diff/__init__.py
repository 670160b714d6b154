"""Two versions of a policy compared (`jixiao diff OLD NEW`): what each would pay on the same month's
data, agent by agent and in all, and what changed between the two files rule by rule. A stage above
`month`: both policies go through the one month pipeline; its renderers only show what it found."""
