; Logistics: trucks move packages inside a city, airplanes between airports of different cities.
; Types form a two-level hierarchy (truck, airplane < vehicle < physobj; airport < location).
(define (domain logistics)
  (:requirements :strips :typing :negative-preconditions :equality)
  (:types
    truck airplane - vehicle
    package vehicle - physobj
    airport - location
    city location physobj - object)
  (:predicates
    (in-city ?loc - location ?c - city)
    (at ?obj - physobj ?loc - location)
    (in ?pkg - package ?veh - vehicle))

  (:action load-truck
    :parameters (?pkg - package ?truck - truck ?loc - location)
    :precondition (and (at ?truck ?loc) (at ?pkg ?loc))
    :effect (and (not (at ?pkg ?loc)) (in ?pkg ?truck)))

  (:action load-airplane
    :parameters (?pkg - package ?airplane - airplane ?loc - airport)
    :precondition (and (at ?pkg ?loc) (at ?airplane ?loc))
    :effect (and (not (at ?pkg ?loc)) (in ?pkg ?airplane)))

  (:action unload-truck
    :parameters (?pkg - package ?truck - truck ?loc - location)
    :precondition (and (at ?truck ?loc) (in ?pkg ?truck))
    :effect (and (not (in ?pkg ?truck)) (at ?pkg ?loc)))

  (:action unload-airplane
    :parameters (?pkg - package ?airplane - airplane ?loc - airport)
    :precondition (and (in ?pkg ?airplane) (at ?airplane ?loc))
    :effect (and (not (in ?pkg ?airplane)) (at ?pkg ?loc)))

  (:action drive-truck
    :parameters (?truck - truck ?from - location ?to - location ?c - city)
    :precondition (and (at ?truck ?from) (in-city ?from ?c) (in-city ?to ?c)
                       (not (= ?from ?to)))
    :effect (and (not (at ?truck ?from)) (at ?truck ?to)))

  (:action fly-airplane
    :parameters (?airplane - airplane ?from - airport ?to - airport)
    :precondition (and (at ?airplane ?from) (not (= ?from ?to)))
    :effect (and (not (at ?airplane ?from)) (at ?airplane ?to))))
