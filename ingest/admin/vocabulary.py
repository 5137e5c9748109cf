"""Word lists for the synthetic WLKP and AK1 generators (written for this project).

Names are common Indonesian given names; combined at random they describe nobody in particular.
Jabatan titles are written the way HR officers type them into WLKP, in Indonesian and English,
grouped by KBLI section so a factory reports operators and a hotel reports room attendants.
"""

from __future__ import annotations

MALE_NAMES = (
    "Agus Ahmad Andi Arif Bambang Budi Dedi Dimas Eko Fajar Hadi Hendra Irfan Joko Kurniawan "
    "Muhammad Nur Putu Rahmat Rizki Rudi Slamet Teguh Wahyu Yusuf Bagus Gilang Ilham Made Asep"
).split()
FEMALE_NAMES = (
    "Ayu Dewi Fitri Indah Intan Kartika Lestari Maya Nadia Nia Nur Putri Rina Sari Siti Sri "
    "Tuti Wulan Yanti Yuliana Anisa Dian Eka Kadek Ratna Rahma Novi Wati Desi Mega"
).split()
FAMILY_NAMES = (
    "Saputra Saputri Wijaya Santoso Pratama Lubis Siregar Nasution Hidayat Setiawan Gunawan "
    "Kusuma Halim Rahayu Susanti Purnomo Wibowo Harahap Simanjuntak Manurung Hasibuan Tanjung "
    "Putra Utami Permata Sembiring Ginting Pangaribuan Nugroho Firmansyah"
).split()

COMPANY_FORMS = ("PT", "PT", "PT", "PT", "CV", "CV", "Koperasi", "UD", "PT")
COMPANY_WORDS = (
    "Maju Jaya Sinar Abadi Makmur Sentosa Mandiri Karya Utama Sejahtera Nusantara Bumi Cahaya "
    "Mitra Prima Sukses Bersama Indah Agung Mulia Persada Global Lestari Gemilang Raya Citra "
    "Anugerah Berkah Tunggal Harapan Samudra Perkasa Teknik Niaga Logistik Pangan Tekstil"
).split()
STREETS = (
    "Jl. Sudirman|Jl. Gatot Subroto|Jl. Ahmad Yani|Jl. Diponegoro|Jl. Pahlawan|Jl. Raya Industri|"
    "Jl. Merdeka|Jl. Imam Bonjol|Jl. Pemuda|Jl. Veteran|Jl. Kartini|Jl. Hasanuddin|"
    "Jl. Raya Pelabuhan|Jl. Kawasan Industri Blok C|Jl. Siliwangi|Jl. Teuku Umar"
).split("|")

CAPITAL_STATUS = ("PMDN", "PMDN", "PMDN", "PMDN", "PMA", "BUMN", "BUMD", "Lainnya")

JABATAN_COMMON = (
    "Staf Administrasi",
    "Admin",
    "Staf Keuangan",
    "Akuntan",
    "Kasir",
    "Staf HRD",
    "HR Generalist",
    "Manajer Operasional",
    "Direktur",
    "General Manager",
    "Supervisor",
    "Sopir",
    "Satpam",
    "Security",
    "Office Boy",
    "Cleaning Service",
    "Staf IT",
    "Marketing",
    "Sales Executive",
    "Customer Service",
    "Staf Gudang",
    "Kurir",
    "Resepsionis",
)
JABATAN_BY_SECTION = {
    "A": ("Mandor Kebun", "Pemanen Sawit", "Buruh Tani", "Asisten Kebun", "Operator Traktor"),
    "B": ("Operator Alat Berat", "Geologist", "Mine Engineer", "Juru Bor", "Surveyor Tambang"),
    "C": (
        "Operator Produksi",
        "Operator Mesin",
        "Operator Jahit",
        "Quality Control",
        "QC Inspector",
        "Teknisi Mesin",
        "Teknisi Listrik",
        "Supervisor Produksi",
        "Kepala Regu Produksi",
        "PPIC",
        "Maintenance Technician",
        "Helper Produksi",
        "Welder",
        "Tukang Las",
        "Packing",
    ),
    "D": ("Operator Pembangkit", "Teknisi Gardu Induk", "Engineer Listrik"),
    "E": (
        "Operator WTP",
        "Petugas Kebersihan",
        "Sopir Truk Sampah",
        "Mekanik Pompa",
        "Pembaca Meter Air",
        "Analis Kualitas Air",
    ),  # fmt: skip
    "F": (
        "Tukang Batu",
        "Tukang Kayu",
        "Mandor Bangunan",
        "Site Engineer",
        "Drafter",
        "Quantity Surveyor",
        "Pelaksana Lapangan",
    ),  # fmt: skip
    "G": (
        "Pramuniaga",
        "SPG",
        "Kasir Toko",
        "Kepala Toko",
        "Store Manager",
        "Merchandiser",
        "Staf Purchasing",
        "Sales Motoris",
        "Helper Toko",
    ),  # fmt: skip
    "H": (
        "Sopir Truk",
        "Driver Ekspedisi",
        "Kurir",
        "Staf Ekspedisi",
        "Checker Gudang",
        "Operator Forklift",
        "Nahkoda",
        "Anak Buah Kapal",
    ),  # fmt: skip
    "I": (
        "Juru Masak",
        "Cook",
        "Waiter",
        "Pramusaji",
        "Room Attendant",
        "Housekeeping",
        "Front Office",
        "Barista",
        "Chef de Partie",
        "Steward",
    ),  # fmt: skip
    "J": (
        "Programmer",
        "Software Engineer",
        "Network Engineer",
        "Desainer Grafis",
        "Content Writer",
        "Data Analyst",
    ),  # fmt: skip
    "K": (
        "Teller",
        "Customer Service Bank",
        "Account Officer",
        "Kolektor",
        "Analis Kredit",
        "Relationship Manager",
    ),  # fmt: skip
    "L": (
        "Agen Properti",
        "Staf Pemasaran Properti",
        "Building Manager",
        "Teknisi Gedung",
        "Staf Pengelola Gedung",
    ),  # fmt: skip
    "M": ("Konsultan", "Auditor", "Arsitek", "Drafter", "Staf Legal", "Surveyor"),
    "N": (
        "Satpam",
        "Cleaning Service",
        "Tenaga Alih Daya",
        "Koordinator Lapangan",
        "Petugas Parkir",
        "Staf Outsourcing",
    ),  # fmt: skip
    "P": ("Guru", "Tutor", "Dosen", "Tenaga Kependidikan", "Staf Tata Usaha"),
    "Q": ("Perawat", "Bidan", "Dokter Umum", "Apoteker", "Analis Laboratorium", "Tenaga Medis"),
    "R": (
        "Instruktur Kebugaran",
        "Pramuwisata",
        "Kasir Tiket",
        "Lifeguard",
        "Penari",
        "Operator Sound System",
    ),  # fmt: skip
    "S": (
        "Penata Rambut",
        "Terapis Kecantikan",
        "Penjahit",
        "Teknisi Servis",
        "Montir",
        "Petugas Laundry",
    ),  # fmt: skip
}

EDUCATION_LEVELS = (
    ("Tidak/Belum Tamat SD", 2),
    ("SD", 6),
    ("SMP", 10),
    ("SMA", 28),
    ("SMK", 26),
    ("D1", 2),
    ("D3", 8),
    ("D4", 2),
    ("S1", 15),
    ("S2", 1),
)
MAJORS_BY_LEVEL = {
    "SMA": ("IPA", "IPS", "Bahasa"),
    "SMK": (
        "Teknik Mesin",
        "Teknik Kendaraan Ringan",
        "Akuntansi",
        "Administrasi Perkantoran",
        "Tata Boga",
        "Teknik Komputer dan Jaringan",
        "Tata Busana",
        "Farmasi",
    ),  # fmt: skip
    "D3": ("Akuntansi", "Teknik Elektro", "Keperawatan", "Manajemen Informatika", "Perhotelan"),
    "D4": ("Teknik Mesin", "Akuntansi Sektor Publik", "Teknologi Rekayasa Perangkat Lunak"),
    "S1": (
        "Manajemen",
        "Akuntansi",
        "Teknik Sipil",
        "Teknik Informatika",
        "Hukum",
        "Pendidikan Guru Sekolah Dasar",
        "Ilmu Komunikasi",
        "Agribisnis",
        "Psikologi",
    ),  # fmt: skip
    "S2": ("Manajemen", "Teknik Industri", "Ilmu Hukum"),
}
SKILLS = (
    "Microsoft Office", "Mengemudi SIM B1", "Mengemudi SIM A", "Komunikasi", "Bahasa Inggris",
    "Akuntansi", "Penjualan", "Las SMAW", "Menjahit", "Memasak", "Desain Grafis", "Python",
    "Pelayanan Pelanggan", "K3", "Operator Forklift", "Administrasi", "Media Sosial",
)  # fmt: skip
RELIGIONS = ("Islam", "Islam", "Islam", "Islam", "Islam", "Kristen", "Katolik", "Hindu",
             "Buddha", "Konghucu")  # fmt: skip
MARITAL_STATUS = ("Belum Kawin", "Belum Kawin", "Kawin", "Cerai Hidup", "Cerai Mati")
DISABILITY = (None,) * 48 + ("Disabilitas Fisik", "Disabilitas Sensorik Rungu")
PLACEMENT_KINDS = (("AKL", 80), ("AKAD", 17), ("AKAN", 3))
"""Antar Kerja Lokal (same regency), Antar Daerah (another regency), Antar Negara (abroad)."""
