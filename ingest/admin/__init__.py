"""Administrative labour-market sources: Karirhub/AyoKitaKerja vacancies, MagangHub internships,
AK1 job-seeker and placement registers, and WLKP company employment reports.

Every reader returns an `AdminLoad` (raw landing frame, staging frame without personal data,
quarantine records and metadata; rows in = rows loaded + rows quarantined). See
docs/admin-sources.md.
"""
