// State module: see StateDB.swift
