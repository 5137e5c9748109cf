"""Report assets built from the published marts: the Critical Occupations List and the skills
outlook."""
